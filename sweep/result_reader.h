// ResultReader: reads back a result file written by ResultWriter (docs/results.md): its root
// attributes, its /configs rows and its points as PointRecords, one at a time and in file order.
// Rows and traces are read in batches, so memory stays bounded whatever the size of the file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sweep/hdf5_file.h"
#include "sweep/result_tables.h"

namespace eyesim::sweep {

/// A file that is not an eyesim result file of this build's layout, or is inconsistent inside.
class ResultFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Sequential, batched reads of one table's packed rows.
class TableCursor {
 public:
  TableCursor(Hdf5File& file, std::string table, const TableSchema& schema, std::size_t batch_rows = 1024);
  /// The next row, or nullptr after the last one. Valid until the next call.
  const std::byte* next();
  std::size_t rows() const { return rows_; }

 private:
  Hdf5File& file_;
  std::string table_;
  const TableSchema& schema_;
  std::size_t batch_, rows_, position_ = 0, buffer_start_ = 0;
  std::vector<std::byte> buffer_;
};

/// Sequential, batched reads of a flat uint64 dataset.
class ValueCursor {
 public:
  ValueCursor(Hdf5File& file, std::string dataset, std::size_t batch_values = 1 << 16);
  std::size_t position() const { return position_; }
  /// Appends the next `n` values to `out`; throws ResultFileError past the end.
  void take(std::size_t n, std::vector<std::uint64_t>& out);

 private:
  Hdf5File& file_;
  std::string dataset_;
  std::size_t batch_, size_, position_ = 0, buffer_start_ = 0;
  std::vector<std::uint64_t> buffer_;
};

class ResultReader {
 public:
  /// Opens `path` read-only; throws ResultFileError naming the file when it is not an HDF5 file,
  /// not an eyesim result file, or its tables have another column layout than this build writes.
  ResultReader(const std::string& path, const ResultTables& tables);

  const std::string& path() const { return path_; }
  std::string attribute(const std::string& name) { return file_.attribute(name); }
  std::string spec_toml() { return file_.read_string_dataset("spec_toml"); }
  std::string base_arch_toml() { return file_.read_string_dataset("base_arch_toml"); }

  /// Point ids of /runs, in file order (a separate pass; does not move the record cursor).
  std::vector<std::uint64_t> run_ids();

  /// The next /configs row and its point id, or nullptr at the end.
  const std::byte* next_config(std::uint64_t& point_id);

  /// The next point (its /runs row, its /layers rows and their traces), or nullopt at the end.
  std::optional<PointRecord> next_record();

 private:
  std::string path_;
  Hdf5File file_;
  const ResultTables& tables_;
  std::size_t runs_point_ = 0, runs_layers_ = 0, layers_pe_count_ = 0, layers_port_count_ = 0;
  std::unique_ptr<TableCursor> configs_, runs_, layers_;
  std::vector<ValueCursor> traces_;
};

}  // namespace eyesim::sweep
