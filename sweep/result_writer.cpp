// ResultWriter: header, reorder buffer and batched appends of a result file.
#include "sweep/result_writer.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

namespace eyesim::sweep {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

ResultWriter::ResultWriter(const std::string& path, const ResultFileHeader& header, const ResultTables& tables,
                           std::vector<std::uint64_t> ids)
    : file_(path, Hdf5File::Mode::kCreate), tables_(tables), ids_(std::move(ids)) {
  file_.set_attribute("schema", kResultSchema);
  for (const auto& [name, value] : header.attributes) file_.set_attribute(name, value);
  file_.set_attribute("complete", "false");
  file_.write_string_dataset("spec_toml", header.spec_toml);
  file_.write_string_dataset("base_arch_toml", header.base_arch_toml);
  file_.create_table("configs", tables.configs(), kRunChunk);
  file_.create_table("layers", tables.layers(), kLayerChunk);
  file_.create_table("runs", tables.runs(), kRunChunk);
  file_.create_group("traces");
  for (const char* t : kTraces) file_.create_u64_dataset(fmt::format("traces/{}", t), kTraceChunk);
  file_.set_units("configs", ResultTables::units_json(tables.configs()));
  file_.set_units("layers", ResultTables::units_json(tables.layers()));
  file_.set_units("runs", ResultTables::units_json(tables.runs()));
  last_flush_ = Clock::now();
}

void ResultWriter::add_configs(const std::byte* rows, std::size_t count) {
  file_.append_rows("configs", tables_.configs(), rows, count);
}

void ResultWriter::add(PointRecord r) {
  pending_.emplace(r.point_id, std::move(r));
  while (next_ < ids_.size()) {
    auto it = pending_.find(ids_[next_]);
    if (it == pending_.end()) break;
    write(it->second);
    pending_.erase(it);
    ++next_;
  }
  if (std::chrono::duration<double>(Clock::now() - last_flush_).count() > kFlushSeconds) {
    write_buffered(true);
    file_.flush();
    last_flush_ = Clock::now();
  } else {
    write_buffered(false);
  }
}

void ResultWriter::finish(bool complete, std::string_view end_utc) {
  for (auto& [id, r] : pending_) write(r);
  pending_.clear();
  write_buffered(true);
  file_.set_attribute("complete", complete ? "true" : "false");
  file_.set_attribute("end_utc", end_utc);
  file_.close();
}

namespace {
/// How many of `buffered` items to append to a dataset holding `written`: up to the last whole
/// chunk, or all of them.
std::size_t to_append(std::uint64_t written, std::size_t buffered, std::size_t chunk, bool all) {
  if (all) return buffered;
  const std::uint64_t end = (written + buffered) / chunk * chunk;
  return end > written ? static_cast<std::size_t>(end - written) : 0;
}
}  // namespace

void ResultWriter::write_buffered(bool all) {
  if (const std::size_t n = to_append(written_runs_, buffered_runs_, kRunChunk, all); n > 0) {
    const std::size_t bytes = n * tables_.runs().row_bytes();
    file_.append_rows("runs", tables_.runs(), runs_buffer_.data(), n);
    runs_buffer_.erase(runs_buffer_.begin(), runs_buffer_.begin() + std::ptrdiff_t(bytes));
    buffered_runs_ -= n;
    written_runs_ += n;
  }
  if (const std::size_t n = to_append(written_layers_, buffered_layers_, kLayerChunk, all); n > 0) {
    const std::size_t bytes = n * tables_.layers().row_bytes();
    file_.append_rows("layers", tables_.layers(), layers_buffer_.data(), n);
    layers_buffer_.erase(layers_buffer_.begin(), layers_buffer_.begin() + std::ptrdiff_t(bytes));
    buffered_layers_ -= n;
    written_layers_ += n;
  }
  for (int k = 0; k < kTraceCount; ++k) {
    std::vector<std::uint64_t>& b = trace_buffers_[k];
    if (const std::size_t n = to_append(written_traces_[k], b.size(), kTraceChunk, all); n > 0) {
      file_.append_u64(fmt::format("traces/{}", kTraces[k]), std::span<const std::uint64_t>(b.data(), n));
      b.erase(b.begin(), b.begin() + std::ptrdiff_t(n));
      written_traces_[k] += n;
    }
  }
}

void ResultWriter::write(PointRecord& r) {
  runs_buffer_.insert(runs_buffer_.end(), r.run_row.begin(), r.run_row.end());
  ++buffered_runs_;
  if (r.n_layers == 0) return;
  const std::uint32_t row_bytes = tables_.layers().row_bytes();
  std::size_t t = 0;
  for (std::uint32_t i = 0; i < r.n_layers; ++i) {
    Row row(tables_.layers());
    std::copy_n(r.layer_rows.begin() + std::ptrdiff_t(i) * row_bytes, row_bytes, row.bytes().begin());
    row.set<std::uint64_t>(tables_.col_trace_pe_offset(), pe_offset_);
    row.set<std::uint64_t>(tables_.col_trace_port_offset(), port_offset_);
    std::copy(row.bytes().begin(), row.bytes().end(), r.layer_rows.begin() + std::ptrdiff_t(i) * row_bytes);
    const std::uint32_t pe = r.pe_counts[i], port = r.port_counts[i];
    for (int k = 0; k < kTraceCount; ++k) {
      const std::uint32_t n = k < kPeTraces ? pe : port;
      trace_buffers_[k].insert(trace_buffers_[k].end(), r.traces.begin() + std::ptrdiff_t(t),
                               r.traces.begin() + std::ptrdiff_t(t + n));
      t += n;
    }
    pe_offset_ += pe;
    port_offset_ += port;
  }
  layers_buffer_.insert(layers_buffer_.end(), r.layer_rows.begin(), r.layer_rows.end());
  buffered_layers_ += r.n_layers;
}

}  // namespace eyesim::sweep
