// ResultReader: batched, validated reads of a result file.
#include "sweep/result_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "sweep/result_writer.h"

namespace eyesim::sweep {
namespace {

template <class T>
T field(const std::byte* row, const TableSchema& schema, std::size_t column) {
  return read_field<T>(row, schema.columns()[column]);
}

Hdf5File open_read_only(const std::string& path) {
  try {
    return Hdf5File(path, Hdf5File::Mode::kReadOnly);
  } catch (const Hdf5Error&) {
    throw ResultFileError(fmt::format("'{}' is not an HDF5 file (or cannot be read)", path));
  }
}

/// The file's table has exactly the columns this build writes, in the same order.
void check_layout(Hdf5File& file, const std::string& path, const std::string& table, const TableSchema& schema) {
  if (!file.exists(table)) throw ResultFileError(fmt::format("'{}' has no /{} table", path, table));
  const std::vector<std::string> stored = file.column_names(table);
  std::vector<std::string> expected;
  for (const Column& c : schema.columns()) expected.push_back(c.name);
  if (stored == expected) return;
  std::string first_difference;
  for (std::size_t i = 0; i < std::max(stored.size(), expected.size()); ++i) {
    const std::string a = i < stored.size() ? stored[i] : "(none)", b = i < expected.size() ? expected[i] : "(none)";
    if (a != b) {
      first_difference = fmt::format("column {} is '{}', this eyesim writes '{}'", i, a, b);
      break;
    }
  }
  throw ResultFileError(fmt::format("'{}': table /{} has another layout than this eyesim writes ({}); use the eyesim "
                                    "version that wrote it ({})",
                                    path, table, first_difference, file.attribute("eyesim_version")));
}

}  // namespace

TableCursor::TableCursor(Hdf5File& file, std::string table, const TableSchema& schema, std::size_t batch_rows)
    : file_(file), table_(std::move(table)), schema_(schema), batch_(batch_rows), rows_(file.rows(table_)) {}

const std::byte* TableCursor::next() {
  if (position_ >= rows_) return nullptr;
  const std::size_t row_bytes = schema_.row_bytes();
  if (position_ >= buffer_start_ + buffer_.size() / row_bytes) {
    buffer_start_ = position_;
    buffer_ = file_.read_rows(table_, schema_, position_, std::min(batch_, rows_ - position_));
  }
  return buffer_.data() + (position_++ - buffer_start_) * row_bytes;
}

ValueCursor::ValueCursor(Hdf5File& file, std::string dataset, std::size_t batch_values)
    : file_(file), dataset_(std::move(dataset)), batch_(batch_values), size_(file.rows(dataset_)) {}

void ValueCursor::take(std::size_t n, std::vector<std::uint64_t>& out) {
  if (position_ + n > size_)
    throw ResultFileError(fmt::format("'{}': /{} ends at {} values, {} more needed at {}", file_.path(), dataset_, size_, n,
                                      position_));
  while (n > 0) {
    if (position_ >= buffer_start_ + buffer_.size()) {
      buffer_start_ = position_;
      buffer_ = file_.read_u64(dataset_, position_, std::min(std::max(batch_, n), size_ - position_));
    }
    const std::size_t from = position_ - buffer_start_, k = std::min(n, buffer_.size() - from);
    out.insert(out.end(), buffer_.begin() + std::ptrdiff_t(from), buffer_.begin() + std::ptrdiff_t(from + k));
    position_ += k;
    n -= k;
  }
}

ResultReader::ResultReader(const std::string& path, const ResultTables& tables)
    : path_(path), file_(open_read_only(path)), tables_(tables) {
  const std::string schema = file_.attribute("schema");
  if (schema.empty())
    throw ResultFileError(fmt::format("'{}' is not an eyesim result file (it has no 'schema' attribute)", path));
  if (schema != kResultSchema)
    throw ResultFileError(fmt::format("'{}' has schema '{}'; this eyesim reads '{}'", path, schema, kResultSchema));
  check_layout(file_, path, "configs", tables.configs());
  check_layout(file_, path, "runs", tables.runs());
  check_layout(file_, path, "layers", tables.layers());
  for (const char* t : ResultWriter::kTraces)
    if (!file_.exists(fmt::format("traces/{}", t))) throw ResultFileError(fmt::format("'{}' has no /traces/{}", path, t));
  runs_point_ = tables.runs().index("point_id");
  runs_layers_ = tables.runs().index("layers");
  layers_pe_count_ = tables.layers().index("trace_pe_count");
  layers_port_count_ = tables.layers().index("trace_port_count");
  configs_ = std::make_unique<TableCursor>(file_, "configs", tables.configs());
  runs_ = std::make_unique<TableCursor>(file_, "runs", tables.runs());
  layers_ = std::make_unique<TableCursor>(file_, "layers", tables.layers(), 4096);
  for (const char* t : ResultWriter::kTraces) traces_.emplace_back(file_, fmt::format("traces/{}", t));
}

std::vector<std::uint64_t> ResultReader::run_ids() {
  TableCursor runs(file_, "runs", tables_.runs(), 8192);
  std::vector<std::uint64_t> ids;
  ids.reserve(runs.rows());
  while (const std::byte* row = runs.next()) ids.push_back(field<std::uint64_t>(row, tables_.runs(), runs_point_));
  return ids;
}

const std::byte* ResultReader::next_config(std::uint64_t& point_id) {
  const std::byte* row = configs_->next();
  if (row) point_id = field<std::uint64_t>(row, tables_.configs(), 0);
  return row;
}

std::optional<PointRecord> ResultReader::next_record() {
  const std::byte* run = runs_->next();
  if (!run) return std::nullopt;
  const TableSchema& runs = tables_.runs();
  const TableSchema& layers = tables_.layers();
  PointRecord r;
  r.point_id = field<std::uint64_t>(run, runs, runs_point_);
  r.ok = field<std::uint8_t>(run, runs, tables_.col_run_status()) == 0;
  r.run_row.assign(run, run + runs.row_bytes());
  r.n_layers = field<std::uint32_t>(run, runs, runs_layers_);
  r.layer_rows.reserve(std::size_t(r.n_layers) * layers.row_bytes());
  for (std::uint32_t i = 0; i < r.n_layers; ++i) {
    const std::byte* row = layers_->next();
    if (!row || field<std::uint64_t>(row, layers, tables_.col_point_id_layers()) != r.point_id)
      throw ResultFileError(fmt::format("'{}': point {} should have {} rows in /layers; the table disagrees", path_,
                                        r.point_id, r.n_layers));
    if (field<std::uint64_t>(row, layers, tables_.col_trace_pe_offset()) != traces_[0].position() ||
        field<std::uint64_t>(row, layers, tables_.col_trace_port_offset()) !=
            traces_[ResultWriter::kPeTraces].position())
      throw ResultFileError(fmt::format("'{}': the trace offsets of point {} layer {} are not consecutive", path_,
                                        r.point_id, i));
    r.layer_rows.insert(r.layer_rows.end(), row, row + layers.row_bytes());
    const std::uint32_t pe = field<std::uint32_t>(row, layers, layers_pe_count_);
    const std::uint32_t port = field<std::uint32_t>(row, layers, layers_port_count_);
    r.pe_counts.push_back(pe);
    r.port_counts.push_back(port);
    for (int k = 0; k < ResultWriter::kTraceCount; ++k)
      traces_[std::size_t(k)].take(k < ResultWriter::kPeTraces ? pe : port, r.traces);
  }
  return r;
}

}  // namespace eyesim::sweep
