// ResultTables: column lists walked from the field lists of ArchSpec, LayerStats and LayerMapping.
#include "sweep/result_tables.h"

#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "core/rng.h"
#include "sweep/arch_file.h"

namespace eyesim::sweep {
namespace {

template <class T>
ColumnType column_type() {
  if constexpr (std::is_same_v<T, std::uint64_t>) return ColumnType::kU64;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return ColumnType::kU32;
  else if constexpr (std::is_same_v<T, double>) return ColumnType::kF64;
  else if constexpr (std::is_same_v<T, bool>) return ColumnType::kU8;
  else return ColumnType::kString;  // enums are written by name
}

template <class T>
void put(Row& row, std::size_t col, const T& v) {
  if constexpr (std::is_same_v<T, bool>) row.set<std::uint8_t>(col, v ? 1 : 0);
  else if constexpr (std::is_arithmetic_v<T>) row.set<T>(col, v);
  else row.set_string(col, hw::to_string(v));
}

}  // namespace

ResultTables::ResultTables() {
  configs_.add("point_id", ColumnType::kU64);
  configs_.add("config_hash", ColumnType::kU64);
  configs_.add("network", ColumnType::kString, kNetworkBytes);
  configs_.add("seed", ColumnType::kU64);
  configs_.add("batch", ColumnType::kU32);
  configs_.add("workload.iact_density_scale", ColumnType::kF64);
  configs_.add("workload.weight_density_scale", ColumnType::kF64);
  configs_.add("arch.name", ColumnType::kString, kNameBytes);
  hw::ArchSpec a;
  hw::for_each_param(a, [&](std::string_view name, const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    configs_.add(fmt::format("arch.{}", name), column_type<T>(), kEnumBytes);
  });

  layers_point_ = layers_.add("point_id", ColumnType::kU64);
  layers_.add("layer_idx", ColumnType::kU32);
  layers_.add("layer_name", ColumnType::kString, kNameBytes);
  layers_.add("kind", ColumnType::kString, kKindBytes);
  hw::LayerStats s;
  for_each_field(s, [&](std::string_view name, const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    layers_.add(std::string(name), column_type<T>());
  });
  hw::LayerMapping m;
  for_each_field(m, [&](std::string_view name, const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    layers_.add(std::string(name), column_type<T>(), kEnumBytes);
  });
  trace_pe_offset_ = layers_.add("trace_pe_offset", ColumnType::kU64);
  layers_.add("trace_pe_count", ColumnType::kU32);
  trace_port_offset_ = layers_.add("trace_port_offset", ColumnType::kU64);
  layers_.add("trace_port_count", ColumnType::kU32);

  runs_.add("point_id", ColumnType::kU64);
  // The network as the spec names it (a built-in name or a file path), as in /configs: the one identity
  // of a workload, unique per file. The name the network declares (its file's `name`) is shown beside
  // it; two files may declare the same one.
  runs_.add("network", ColumnType::kString, kNetworkBytes);
  run_network_name_ = runs_.add("network_name", ColumnType::kString, kNameBytes);
  run_status_ = runs_.add("status", ColumnType::kU8);
  run_message_ = runs_.add("message", ColumnType::kString, kMessageBytes);
  runs_.add("layers", ColumnType::kU32);
  runs_.add("latency_seconds", ColumnType::kF64);
  runs_.add("inferences_per_second", ColumnType::kF64);
  runs_.add("inferences_per_joule", ColumnType::kF64);
  runs_.add("cycles", ColumnType::kU64);
  runs_.add("macs_nominal", ColumnType::kU64);
  runs_.add("macs_effectual", ColumnType::kU64);
  runs_.add("energy_chip_pj", ColumnType::kF64);
  runs_.add("energy_dram_pj", ColumnType::kF64);
  runs_.add("dram_bytes", ColumnType::kU64);
  runs_.add("mac_utilization", ColumnType::kF64);
  run_wall_ = runs_.add("wall_ms", ColumnType::kF64);
}

std::vector<std::byte> ResultTables::config_row(const DesignPoint& p, std::uint64_t hash) const {
  Row row(configs_);
  std::size_t c = 0;
  row.set<std::uint64_t>(c++, p.id);
  row.set<std::uint64_t>(c++, hash);
  row.set_string(c++, p.network);
  row.set<std::uint64_t>(c++, p.seed);
  row.set<std::uint32_t>(c++, p.batch);
  row.set<double>(c++, p.iact_density_scale);
  row.set<double>(c++, p.weight_density_scale);
  row.set_string(c++, p.arch.name);
  hw::for_each_param(p.arch, [&](std::string_view, const auto& v) { put(row, c++, v); });
  return std::move(row.bytes());
}

PointRecord ResultTables::record(const DesignPoint& p, const hw::NetworkResult& r, double wall_ms) const {
  PointRecord rec;
  rec.point_id = p.id;
  rec.n_layers = static_cast<std::uint32_t>(r.layers.size());
  rec.wall_ms = wall_ms;
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const hw::LayerResult& l = r.layers[i];
    Row row(layers_);
    std::size_t c = 0;
    row.set<std::uint64_t>(c++, p.id);
    row.set<std::uint32_t>(c++, static_cast<std::uint32_t>(i));
    row.set_string(c++, l.layer_name);
    row.set_string(c++, workloads::to_string(l.kind));
    for_each_field(l.stats, [&](std::string_view, const auto& v) { put(row, c++, v); });
    for_each_field(l.mapping, [&](std::string_view, const auto& v) {
      using T = std::remove_cvref_t<decltype(v)>;
      if constexpr (std::is_arithmetic_v<T>) row.set<T>(c++, v);
      else row.set_string(c++, hw::to_string(v));
    });
    row.set<std::uint64_t>(c++, 0);  // trace offsets: assigned by the writer
    row.set<std::uint32_t>(c++, static_cast<std::uint32_t>(l.traces.pe_busy_cycles.size()));
    row.set<std::uint64_t>(c++, 0);
    row.set<std::uint32_t>(c++, static_cast<std::uint32_t>(l.traces.port_bits.size()));
    rec.layer_rows.insert(rec.layer_rows.end(), row.bytes().begin(), row.bytes().end());
    rec.pe_counts.push_back(static_cast<std::uint32_t>(l.traces.pe_busy_cycles.size()));
    rec.port_counts.push_back(static_cast<std::uint32_t>(l.traces.port_bits.size()));
    for (const auto* v : {&l.traces.pe_busy_cycles, &l.traces.pe_stall_cycles, &l.traces.pe_macs,
                          &l.traces.port_busy_cycles, &l.traces.port_bits})
      rec.traces.insert(rec.traces.end(), v->begin(), v->end());
  }
  Row run(runs_);
  std::size_t c = 0;
  const hw::LayerStats& t = r.totals;
  run.set<std::uint64_t>(c++, p.id);
  run.set_string(c++, p.network);
  run.set_string(c++, r.network);
  run.set<std::uint8_t>(c++, 0);
  run.set_string(c++, "");
  run.set<std::uint32_t>(c++, rec.n_layers);
  run.set<double>(c++, r.latency_seconds);
  run.set<double>(c++, r.inferences_per_second);
  run.set<double>(c++, r.inferences_per_joule);
  run.set<std::uint64_t>(c++, t.cycles);
  run.set<std::uint64_t>(c++, t.macs_nominal);
  run.set<std::uint64_t>(c++, t.macs_effectual);
  run.set<double>(c++, t.energy_chip_pj);
  run.set<double>(c++, t.energy_dram_pj);
  run.set<std::uint64_t>(c++, t.dram_iact_read_bytes + t.dram_weight_read_bytes + t.dram_psum_read_bytes +
                                  t.dram_psum_write_bytes + t.dram_oact_write_bytes);
  run.set<double>(c++, t.mac_utilization);
  run.set<double>(c++, wall_ms);
  rec.run_row = std::move(run.bytes());
  return rec;
}

PointRecord ResultTables::failed_record(const DesignPoint& p, const std::string& message, double wall_ms) const {
  PointRecord rec;
  rec.point_id = p.id;
  rec.ok = false;
  rec.wall_ms = wall_ms;
  Row run(runs_);
  run.set<std::uint64_t>(0, p.id);
  run.set_string(1, p.network);  // network_name stays empty: the network may not have been loaded
  run.set<std::uint8_t>(run_status_, 1);
  run.set_string_cut(run_message_, message);
  run.set<double>(run_wall_, wall_ms);
  rec.run_row = std::move(run.bytes());
  return rec;
}

std::string ResultTables::units_json(const TableSchema& schema) {
  std::string out = "{";
  for (const Column& c : schema.columns()) {
    std::string unit;
    const std::string& n = c.name;
    // Most units follow from the name's suffix; the exceptions come first. Counters summed over PEs
    // (hw/layer_stats.h: busy and zero-iact PE-cycles, stalls) are PE-cycles, not cycles of the layer;
    // the NoC's *_bits count payload bits x hops traversed, not bits sent.
    if (n.ends_with("_pe_cycles") || (n.starts_with("stall_") && n.ends_with("_cycles"))) unit = "PE-cycles";
    else if (n.starts_with("noc_") && n.ends_with("_bits")) unit = "bit-hops";
    else if (n.ends_with("_pj_per_bit")) unit = "pJ/bit";
    else if (n.ends_with("_pj_per_bit_hop")) unit = "pJ/bit-hop";
    else if (n.ends_with("_pj_per_pe_cycle")) unit = "pJ/PE-cycle";
    else if (n.ends_with("_cycles") || n == "cycles") unit = "cycles";
    else if (n.ends_with("_pj")) unit = "pJ";
    else if (n.ends_with("_bytes")) unit = "bytes";
    else if (n.ends_with("_bits")) unit = "bits";
    else if (n.ends_with("seconds")) unit = "s";
    else if (n.ends_with("_ms")) unit = "ms";
    else if (n.ends_with("_mhz")) unit = "MHz";
    else if (n.ends_with("_gbps")) unit = "GB/s";
    else if (n == "inferences_per_second") unit = "1/s";
    else if (n == "inferences_per_joule") unit = "1/J";
    if (unit.empty()) continue;
    out += fmt::format("{}\"{}\": \"{}\"", out.size() > 1 ? ", " : "", n, unit);
  }
  return out + "}";
}

void check_storable(const workloads::Network& net, std::string_view spec) {
  if (net.name.size() > kNameBytes)
    throw std::length_error(fmt::format("network '{}': its name '{}' is {} bytes, longer than the {} bytes a result "
                                        "file stores (docs/results.md); shorten it",
                                        spec, net.name, net.name.size(), kNameBytes));
  for (const auto& l : net.layers) {
    const std::string& name = l.shape.name;
    if (name.size() > kNameBytes)
      throw std::length_error(fmt::format("network '{}': layer name '{}' is {} bytes, longer than the {} bytes a result "
                                          "file stores (docs/results.md); shorten it",
                                          spec, name, name.size(), kNameBytes));
  }
}

std::uint64_t config_hash(const DesignPoint& p) {
  const std::string text = fmt::format("{}|{}|{}|{}|{}|{}", arch_to_toml(p.arch), p.network, p.seed, p.batch,
                                       p.iact_density_scale, p.weight_density_scale);
  return hash_name(text);
}

}  // namespace eyesim::sweep
