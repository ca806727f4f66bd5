// TableSchema: column layout.
#include "sweep/table_schema.h"

#include <stdexcept>

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

std::string Row::get_string(std::size_t column) const {
  const Column& c = schema_->columns()[column];
  const auto* p = reinterpret_cast<const char*>(bytes_.data() + c.offset);
  return std::string(p, strnlen(p, c.size));
}

}  // namespace eyesim::sweep
