// simulate_layer / simulate_network: validation, mapping, the chip, totals.
#include "hw/simulate.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "core/field_list.h"
#include "hw/chip.h"
#include "hw/iact_tree_loads.h"
#include "hw/mapper.h"

namespace eyesim::hw {
namespace {

void require_valid(const ArchSpec& arch) {
  const auto issues = validate(arch);
  if (issues.empty()) return;
  std::string text = fmt::format("architecture '{}' is invalid:", arch.name);
  for (const ConfigIssue& i : issues) text += fmt::format(" {} {};", i.path, i.message);
  throw std::invalid_argument(text);
}

}  // namespace

std::optional<double> written_oact_density(const workloads::NetworkData& net, std::size_t i) {
  if (i + 1 >= net.layers.size()) return std::nullopt;
  const workloads::LayerShape& out = net.layers[i].shape();
  const workloads::LayerData& next = net.layers[i + 1];
  const workloads::LayerShape& in = next.shape();
  const std::uint64_t channels = std::uint64_t{out.g} * out.m;
  const std::uint64_t positions = std::uint64_t{out.e()} * out.f();
  const bool spatial = std::uint64_t{in.g} * in.c == channels && in.h <= out.e() && in.w <= out.f();
  const bool flattened = in.kind == workloads::LayerKind::kFullyConnected && in.g == 1 && in.c % channels == 0 &&
                         in.c / channels <= positions;
  if (in.n != out.n || !(spatial || flattened) || in.iact_count() == 0) return std::nullopt;
  return static_cast<double>(next.iact_nnz) / static_cast<double>(in.iact_count());
}

LayerResult simulate_layer(const ArchSpec& arch, const workloads::LayerData& layer, const RunOptions& options) {
  require_valid(arch);
  const Mapping mapping = map_layer(arch, layer, find_override(options.forced_mappings, layer.shape().name));
  Chip::Workspace workspace;
  Chip chip(arch, layer, mapping, options, workspace);
  return chip.run();
}

NetworkResult simulate_network(const ArchSpec& arch, const workloads::NetworkData& net, const RunOptions& options) {
  require_valid(arch);
  NetworkResult result;
  result.network = net.network.name;
  result.batch = net.batch;
  result.layers.reserve(net.layers.size());
  const std::size_t count = options.max_layers == 0 ? net.layers.size() : std::min(options.max_layers, net.layers.size());
  Chip::Workspace workspace;  // the layers run one after another: each reuses the storage of the one before
  IactTreeLoads trees(arch);  // the mapper routes each candidate's iact trees once for the whole network
  MapperScratch mapper_scratch;  // and keeps its candidate tables
  for (std::size_t i = 0; i < count; ++i) {
    const workloads::LayerData& layer = net.layers[i];
    const Mapping mapping = map_layer(arch, layer, find_override(options.forced_mappings, layer.shape().name), &trees, &mapper_scratch);
    Chip chip(arch, layer, mapping, options, workspace, written_oact_density(net, i));
    result.layers.push_back(chip.run());
    add_fields(result.totals, result.layers.back().stats);
  }
  LayerStats& t = result.totals;
  t.active_pes = 0;
  for (const LayerResult& l : result.layers) t.active_pes = std::max(t.active_pes, l.stats.active_pes);
  t.mac_utilization = t.cycles == 0 ? 0.0
                                    : static_cast<double>(t.macs_effectual) /
                                          (static_cast<double>(t.cycles) * arch.pes() * arch.pe.simd_width);
  result.latency_seconds = t.seconds;
  result.inferences_per_second = t.seconds > 0 ? net.batch / t.seconds : 0.0;
  result.inferences_per_joule = t.energy_chip_pj > 0 ? net.batch / (t.energy_chip_pj * 1e-12) : 0.0;
  return result;
}

}  // namespace eyesim::hw
