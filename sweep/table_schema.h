// TableSchema: the columns of a result table (name, type, byte offset) and packed row buffers.
// Rows are built as bytes so the HDF5 compound type, the journal and numpy see one packed layout.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace eyesim::sweep {

enum class ColumnType : std::uint8_t { kU64, kU32, kI32, kU8, kF64, kString };

struct Column {
  std::string name;
  ColumnType type;
  std::uint32_t offset;
  std::uint32_t size;  ///< bytes (strings: the fixed length, NUL-padded)
};

class TableSchema {
 public:
  std::size_t add(std::string name, ColumnType type, std::uint32_t string_bytes = 0);
  const std::vector<Column>& columns() const { return columns_; }
  std::uint32_t row_bytes() const { return row_bytes_; }
  /// Index of a column by name; throws std::out_of_range naming it.
  std::size_t index(std::string_view name) const;

 private:
  std::vector<Column> columns_;
  std::uint32_t row_bytes_ = 0;
};

/// A numeric field of a packed row read from a file (T must match the column's type).
template <class T>
T read_field(const std::byte* row, const Column& column) {
  T v;
  std::memcpy(&v, row + column.offset, sizeof(T));
  return v;
}

/// A string field of a packed row read from a file (up to its first NUL).
std::string read_string(const std::byte* row, const Column& column);

/// One packed row. Setters check the column type in debug builds only (schemas are built in code).
class Row {
 public:
  explicit Row(const TableSchema& schema) : schema_(&schema), bytes_(schema.row_bytes(), std::byte{0}) {}
  template <class T>
  void set(std::size_t column, T value) {
    std::memcpy(bytes_.data() + schema_->columns()[column].offset, &value, sizeof(T));
  }
  /// A string column, NUL-padded. A text longer than the column throws std::length_error naming the
  /// column, the text and the limit: strings that identify something (a network, a layer) must never
  /// be cut, since two names that differ only past the width would become one.
  void set_string(std::size_t column, std::string_view text);
  /// For free text (error messages): a text longer than the column is cut and ends with "...", so a
  /// reader sees that it was cut.
  void set_string_cut(std::size_t column, std::string_view text);
  template <class T>
  T get(std::size_t column) const {
    T v;
    std::memcpy(&v, bytes_.data() + schema_->columns()[column].offset, sizeof(T));
    return v;
  }
  std::string get_string(std::size_t column) const;
  const std::vector<std::byte>& bytes() const { return bytes_; }
  std::vector<std::byte>& bytes() { return bytes_; }

 private:
  const TableSchema* schema_;
  std::vector<std::byte> bytes_;
};

}  // namespace eyesim::sweep
