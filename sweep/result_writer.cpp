// ResultWriter: header, reorder buffer and batched appends of a result file.
#include "sweep/result_writer.h"

#include <algorithm>
#include <cstring>
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

void ResultWriter::write_ready(bool past_gaps) {
  // The lowest id held, taken or stored: every held id is one of ids_ not yet written, so it is the next
  // one exactly when that point is ready.
  for (;;) {
    const auto taken = pending_.begin();
    const bool stored = next_stored_ < stored_.size() &&
                        (taken == pending_.end() || stored_[next_stored_].point_id < taken->first);
    if (!stored && taken == pending_.end()) return;
    const std::uint64_t id = stored ? stored_[next_stored_].point_id : taken->first;
    if (!past_gaps && (next_ == ids_.size() || ids_[next_] != id)) return;
    if (stored) {
      PointRecord r = load_(stored_[next_stored_++].where);
      write(r);
    } else {
      write(taken->second);
      pending_.erase(taken);
    }
    ++next_;
    write_buffered(false);  // whole chunks out as they fill: a resume may write many stored records at once
  }
}

void ResultWriter::add_stored(std::vector<StoredRecord> stored, RecordLoader load) {
  std::sort(stored.begin(), stored.end(),
            [](const StoredRecord& a, const StoredRecord& b) { return a.point_id < b.point_id; });
  stored_ = std::move(stored);
  next_stored_ = 0;
  load_ = std::move(load);
  write_ready(false);
}

void ResultWriter::add(PointRecord r) {
  pending_.emplace(r.point_id, std::move(r));
  write_ready(false);
  if (std::chrono::duration<double>(Clock::now() - last_flush_).count() > kFlushSeconds) {
    write_buffered(true);
    file_.flush();
    last_flush_ = Clock::now();
  } else {
    write_buffered(false);
  }
}

void ResultWriter::finish(bool complete, std::string_view end_utc) {
  write_ready(true);  // after an interruption: the finished points past a gap, still in id order
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

void ResultWriter::write_rows(const char* table, const TableSchema& schema, TableBuffer& b, std::size_t chunk,
                              bool all) {
  if (const std::size_t n = to_append(b.written, b.rows, chunk, all); n > 0) {
    file_.append_rows(table, schema, b.bytes.data(), n);
    b.bytes.erase(b.bytes.begin(), b.bytes.begin() + std::ptrdiff_t(n * schema.row_bytes()));
    b.rows -= n;
    b.written += n;
  }
}

void ResultWriter::write_buffered(bool all) {
  write_rows("runs", tables_.runs(), runs_, kRunChunk, all);
  write_rows("layers", tables_.layers(), layers_, kLayerChunk, all);
  if (all)  // full chunks are stored as they fill (add_trace)
    for (int k = 0; k < kTraceCount; ++k)
      if (traces_[k].chunk.size() > 0) store_trace_chunk(k);
}

void ResultWriter::store_trace_chunk(int k) {
  TraceChunks& t = traces_[k];
  file_.write_chunk(fmt::format("traces/{}", kTraces[k]), kTraceChunk, t.index, t.chunk.stored(),
                    t.index * kTraceChunk + t.chunk.size());
  if (t.chunk.full()) {
    t.chunk.clear();
    ++t.index;
  }
}

void ResultWriter::add_trace(int k, std::span<const std::uint64_t> values) {
  while (!values.empty()) {
    values = values.subspan(traces_[k].chunk.append(values));
    if (traces_[k].chunk.full()) store_trace_chunk(k);
  }
}

void ResultWriter::write(PointRecord& r) {
  runs_.bytes.insert(runs_.bytes.end(), r.run_row.begin(), r.run_row.end());
  ++runs_.rows;
  if (r.n_layers == 0) return;
  const TableSchema& layers = tables_.layers();
  const std::uint32_t pe_column = layers.columns()[tables_.col_trace_pe_offset()].offset;
  const std::uint32_t port_column = layers.columns()[tables_.col_trace_port_offset()].offset;
  std::size_t t = 0;
  for (std::uint32_t i = 0; i < r.n_layers; ++i) {
    std::byte* row = r.layer_rows.data() + std::size_t{i} * layers.row_bytes();  // the offsets, in place
    std::memcpy(row + pe_column, &pe_offset_, sizeof pe_offset_);
    std::memcpy(row + port_column, &port_offset_, sizeof port_offset_);
    const std::uint32_t pe = r.pe_counts[i], port = r.port_counts[i];
    for (int k = 0; k < kTraceCount; ++k) {
      const std::uint32_t n = k < kPeTraces ? pe : port;
      add_trace(k, std::span<const std::uint64_t>(r.traces).subspan(t, n));
      t += n;
    }
    pe_offset_ += pe;
    port_offset_ += port;
  }
  layers_.bytes.insert(layers_.bytes.end(), r.layer_rows.begin(), r.layer_rows.end());
  layers_.rows += r.n_layers;
}

}  // namespace eyesim::sweep
