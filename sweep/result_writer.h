// ResultWriter: the single owner of a result file being written (docs/results.md). It writes the
// header, takes PointRecords in any order, and appends them in point order through a reorder
// buffer, a chunk at a time, rewriting each layer row's offsets into the flat trace datasets.
// `eyesim sweep` and `eyesim merge` both write through it, so a merged file has the same tables as
// a single-process run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sweep/hdf5_file.h"
#include "sweep/result_tables.h"
#include "sweep/shuffled_chunk.h"

namespace eyesim::sweep {

/// The root attributes and string datasets of a result file, besides `schema` and `complete`
/// (which the writer sets itself).
struct ResultFileHeader {
  std::vector<std::pair<std::string, std::string>> attributes;  ///< written in this order
  std::string spec_toml;       ///< the spec exactly as given
  std::string base_arch_toml;  ///< the first point's resolved architecture
};

/// The current UTC time as ISO 8601 ("2026-11-24T21:50:00Z"), for the start/end attributes.
std::string utc_now();

class ResultWriter {
 public:
  /// Creates `path` (truncating it) with the header and empty tables. `ids` are the points whose
  /// records will be written, in the order they are to appear (ascending point ids).
  ResultWriter(const std::string& path, const ResultFileHeader& header, const ResultTables& tables,
               std::vector<std::uint64_t> ids);

  /// Appends `count` packed rows of /configs (the caller keeps them in point order).
  void add_configs(const std::byte* rows, std::size_t count);

  /// Takes a record; writes every record that is now next in point order.
  void add(PointRecord r);

  /// A finished point whose record is kept elsewhere (a resumed sweep's journal, on disk) and is read,
  /// by the loader given with it, only when it is its turn to be written: so the records a resumed sweep
  /// finished earlier are not all held in memory while the points between them are simulated again.
  struct StoredRecord {
    std::uint64_t point_id = 0;
    std::uint64_t where = 0;  ///< what the loader reads it by
  };
  using RecordLoader = std::function<PointRecord(std::uint64_t where)>;
  /// Takes stored records (in any order; at most one call, before add()); writes those that are next.
  void add_stored(std::vector<StoredRecord> stored, RecordLoader load);

  void set_attribute(const std::string& name, std::string_view value) { file_.set_attribute(name, value); }

  /// Writes what is left (after an interruption: the finished points past a gap, still in id order),
  /// sets `complete` and `end_utc`, and closes the file.
  void finish(bool complete, std::string_view end_utc);

  static constexpr const char* kTraces[] = {"pe_busy_cycles", "pe_stall_cycles", "pe_macs", "port_busy_cycles",
                                            "port_bits"};
  static constexpr int kTraceCount = 5;
  static constexpr int kPeTraces = 3;  ///< the first three are per PE, the others per port

 private:
  using Clock = std::chrono::steady_clock;
  /// Chunk sizes of the datasets (rows or values). While a sweep runs, rows and traces are appended
  /// only up to a chunk boundary, so every chunk is compressed exactly once, by the writer thread as
  /// it fills: a partial chunk appended and then extended would be decompressed and compressed again,
  /// and holding everything back for one batch at the end would compress it serially after the
  /// workers are done. The rest (less than a chunk per dataset) is written by the periodic flush and
  /// by finish().
  static constexpr std::size_t kRunChunk = 1024, kLayerChunk = 2048, kTraceChunk = 16384;
  static constexpr double kFlushSeconds = 2.0;

  /// Rows of one table waiting for a whole chunk, and how many the file holds.
  struct TableBuffer {
    std::vector<std::byte> bytes;
    std::size_t rows = 0;
    std::uint64_t written = 0;
  };
  /// Appends what fills whole chunks (`all`: everything buffered).
  void write_buffered(bool all);
  void write_rows(const char* table, const TableSchema& schema, TableBuffer& b, std::size_t chunk, bool all);
  void write(PointRecord& r);
  /// Writes every record, taken or stored, that is next in point order (`past_gaps`: every record held,
  /// in point order, whether or not the points before it were written).
  void write_ready(bool past_gaps);

  Hdf5File file_;
  const ResultTables& tables_;
  std::vector<std::uint64_t> ids_;
  std::map<std::uint64_t, PointRecord> pending_;
  std::vector<StoredRecord> stored_;  ///< by point id
  std::size_t next_stored_ = 0;
  RecordLoader load_;
  std::size_t next_ = 0;
  std::uint64_t pe_offset_ = 0, port_offset_ = 0;
  Clock::time_point last_flush_;
  TableBuffer runs_, layers_;
  /// The trace datasets' current chunks, filled as records arrive and stored by write_chunk when full
  /// (or partial, at a flush or the end: stored again once it grows).
  struct TraceChunks {
    ShuffledChunk chunk{sizeof(std::uint64_t), kTraceChunk};
    std::size_t index = 0;  ///< of the chunk being filled
  };
  void add_trace(int k, std::span<const std::uint64_t> values);
  void store_trace_chunk(int k);
  TraceChunks traces_[kTraceCount];
};

}  // namespace eyesim::sweep
