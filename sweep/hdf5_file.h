// Hdf5File: a small RAII wrapper over the HDF5 C API for eyesim's result files: extendible compound
// tables, flat uint64 datasets, string attributes and a string dataset. Errors become Hdf5Error with
// one readable line (the HDF5 error stack is walked, never printed). Not thread-safe: one owner thread.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <hdf5.h>

#include "sweep/table_schema.h"

namespace eyesim::sweep {

class Hdf5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Owns one hid_t and closes it with the matching H5*close.
class H5Handle {
 public:
  H5Handle() = default;
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Handle(H5Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  H5Handle& operator=(H5Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle() { reset(); }
  hid_t get() const { return id_; }
  /// Gives up the id without closing it (the caller closes it).
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

class Hdf5File {
 public:
  enum class Mode { kCreate, kReadOnly, kReadWrite };
  Hdf5File(const std::string& path, Mode mode);
  const std::string& path() const { return path_; }

  void create_table(const std::string& name, const TableSchema& schema, std::size_t chunk_rows);
  /// Appends `count` packed rows (`count * schema.row_bytes()` bytes).
  void append_rows(const std::string& name, const TableSchema& schema, const std::byte* rows, std::size_t count);
  /// All rows of a table as packed bytes in `schema`'s layout (columns matched by name).
  std::vector<std::byte> read_rows(const std::string& name, const TableSchema& schema);
  /// Rows [start, start + count) of a table (a hyperslab read: large files are read in pieces).
  std::vector<std::byte> read_rows(const std::string& name, const TableSchema& schema, std::size_t start, std::size_t count);
  /// The column names of a table as stored in the file, in order.
  std::vector<std::string> column_names(const std::string& name);
  std::size_t rows(const std::string& name);

  void create_u64_dataset(const std::string& name, std::size_t chunk);
  void append_u64(const std::string& name, std::span<const std::uint64_t> values);
  /// Stores chunk `index` of a 1-D chunked dataset as given: `stored` has been through the dataset's
  /// filters already (sweep/shuffled_chunk.h). The dataset grows to `extent` elements if shorter (a
  /// partial chunk's elements end there).
  void write_chunk(const std::string& name, std::size_t chunk_elements, std::size_t index, std::span<const std::byte> stored,
                   std::size_t extent);
  std::vector<std::uint64_t> read_u64(const std::string& name);
  std::vector<std::uint64_t> read_u64(const std::string& name, std::size_t start, std::size_t count);

  void create_group(const std::string& name);
  bool exists(const std::string& name);
  void set_attribute(const std::string& name, std::string_view value);  ///< on the root group
  std::string attribute(const std::string& name);                      ///< "" when absent
  void write_string_dataset(const std::string& name, std::string_view text);
  std::string read_string_dataset(const std::string& name);
  void set_units(const std::string& dataset, std::string_view json);  ///< attribute "units" on a dataset
  void flush();
  /// Closes the file, writing what HDF5 still holds of it; throws Hdf5Error when that fails (a full disk):
  /// the file is then not whole, and nothing may take it for a result (a destructor's close is unchecked).
  void close();

 private:
  void read_slab(const std::string& name, hid_t mem_type, std::size_t start, std::size_t count, void* out);

  std::string path_;
  H5Handle file_;
};

}  // namespace eyesim::sweep
