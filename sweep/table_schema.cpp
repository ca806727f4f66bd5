// TableSchema: column layout.
#include "sweep/table_schema.h"

#include <stdexcept>

#include <fmt/format.h>

namespace eyesim::sweep {

std::size_t TableSchema::add(std::string name, ColumnType type, std::uint32_t string_bytes) {
  std::uint32_t size = 0;
  switch (type) {
    case ColumnType::kU64:
    case ColumnType::kF64: size = 8; break;
    case ColumnType::kU32:
    case ColumnType::kI32: size = 4; break;
    case ColumnType::kU8: size = 1; break;
    case ColumnType::kString: size = string_bytes; break;
  }
  columns_.push_back(Column{std::move(name), type, row_bytes_, size});
  row_bytes_ += size;
  return columns_.size() - 1;
}

std::size_t TableSchema::index(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  throw std::out_of_range("no column '" + std::string(name) + "'");
}

void Row::set_string(std::size_t column, std::string_view text) {
  const Column& c = schema_->columns()[column];
  if (text.size() > c.size)
    throw std::length_error(fmt::format("{} '{}' is {} bytes, longer than the {} bytes a result file stores "
                                        "(docs/results.md)",
                                        c.name, text, text.size(), c.size));
  std::memset(bytes_.data() + c.offset, 0, c.size);
  if (!text.empty()) std::memcpy(bytes_.data() + c.offset, text.data(), text.size());
}

void Row::set_string_cut(std::size_t column, std::string_view text) {
  const Column& c = schema_->columns()[column];
  if (text.size() <= c.size || c.size < 3) return set_string(column, text.substr(0, c.size));
  std::size_t keep = c.size - 3;
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;  // not inside a UTF-8 character
  set_string(column, fmt::format("{}...", text.substr(0, keep)));
}

std::string read_string(const std::byte* row, const Column& column) {
  const auto* p = reinterpret_cast<const char*>(row + column.offset);
  return std::string(p, strnlen(p, column.size));
}

std::string Row::get_string(std::size_t column) const { return read_string(bytes_.data(), schema_->columns()[column]); }

}  // namespace eyesim::sweep
