// simulate_layer / simulate_network: validation, mapping, the chip, totals.
#include "hw/simulate.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <typeinfo>
#include <vector>

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

void require_valid(const MapperSearch& search) {
  const auto issues = validate(search);
  if (issues.empty()) return;
  std::string text = "the mapper search is invalid:";
  for (const ConfigIssue& i : issues) text += fmt::format(" {} {};", i.path, i.message);
  throw std::invalid_argument(text);
}

/// What one network run keeps across its layers: the chip's and the mapper's storage, the candidates.
struct LayerRunner {
  const ArchSpec& arch;
  const RunOptions& options;
  RunOptions quiet;            ///< the candidates' runs: no traces, no verification
  Chip::Workspace workspace;   // the layers this runner runs, one after another, each reuse the storage of the one before
  IactTreeLoads trees;         // the mapper routes each candidate's iact trees once for the whole network
  MapperScratch mapper_scratch;  // and keeps its candidate tables
  std::vector<Mapping> candidates;

  LayerRunner(const ArchSpec& a, const RunOptions& o) : arch(a), options(o), quiet(o), trees(a) {
    quiet.verify = false;
    quiet.collect_traces = false;
    quiet.forced_mappings.clear();  // (the chip reads none of it; not copied per candidate)
  }

  /// run_layer, with the layer named in what it throws (a DRAM too slow to simulate, memory running out:
  /// the error did not say which layer of a network; found by helper-49). MappingError names it already.
  /// Layer `index` of the run (for RunOptions::progress).
  LayerResult run(const workloads::LayerData& layer, std::optional<double> oact_density, std::size_t index) {
    try {
      return run_layer(layer, oact_density, index);
    } catch (const MappingError&) {
      throw;
    } catch (const std::bad_alloc&) {
      throw std::runtime_error(fmt::format("layer {}: out of memory while simulating it", layer.shape().name));
    } catch (const std::runtime_error& e) {
      if (typeid(e) != typeid(std::runtime_error)) throw;  // a type of its own, which its catcher needs
      throw std::runtime_error(fmt::format("layer {}: {}", layer.shape().name, e.what()));
    }
  }

  LayerResult run_layer(const workloads::LayerData& layer, std::optional<double> oact_density, std::size_t index) {
    const MappingOverride* forced = find_override(options.forced_mappings, layer.shape().name);
    if (options.mapper.mode == MapperMode::kEstimate || forced) {
      const Mapping mapping = map_layer(arch, layer, forced, &trees, &mapper_scratch);
      return Chip(arch, layer, mapping, options, workspace, oact_density).run();
    }
    map_layer_candidates(arch, layer, options.mapper.window, options.mapper.max_candidates, candidates, &trees,
                         &mapper_scratch);
    if (options.progress) options.progress->on_search_started(index, static_cast<std::uint32_t>(candidates.size()));
    // Fewest cycles; ties to less chip energy, then to the earlier candidate (the better estimate).
    std::size_t chosen = 0;
    LayerResult best;
    std::uint64_t pick_cycles = 0;
    // A lone candidate (the pick) is the choice: one run, with the caller's options.
    const bool alone = candidates.size() == 1;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      LayerResult r = Chip(arch, layer, candidates[i], alone ? options : quiet, workspace, oact_density).run();
      if (options.progress) options.progress->on_candidate_done(index);
      if (i == 0) pick_cycles = r.stats.cycles;
      if (i == 0 || r.stats.cycles < best.stats.cycles ||
          (r.stats.cycles == best.stats.cycles && r.stats.energy_chip_pj < best.stats.energy_chip_pj)) {
        chosen = i;
        best = std::move(r);
      }
    }
    // The caller's traces and verification come from one more run of the chosen mapping.
    if (!alone && (options.collect_traces || options.verify))
      best = Chip(arch, layer, candidates[chosen], options, workspace, oact_density).run();
    best.mapper_candidates = static_cast<std::uint32_t>(candidates.size());
    best.estimate_pick_cycles = pick_cycles;
    return best;
  }
};

}  // namespace

std::string_view to_string(MapperMode mode) { return mode == MapperMode::kSimulate ? "simulate" : "estimate"; }

std::optional<MapperMode> parse_mapper_mode(std::string_view name) {
  if (name == "estimate") return MapperMode::kEstimate;
  if (name == "simulate") return MapperMode::kSimulate;
  return std::nullopt;
}

std::vector<ConfigIssue> validate(const MapperSearch& search) {
  std::vector<ConfigIssue> issues;
  if (!(search.window >= 0 && search.window <= MapperSearch::kMaxWindow))  // (NaN too)
    issues.push_back({"mapper.window", fmt::format("must be in [0, {}] (got {})", MapperSearch::kMaxWindow, search.window)});
  if (search.max_candidates < 1 || search.max_candidates > MapperSearch::kMaxCandidates)
    issues.push_back({"mapper.candidates", fmt::format("must be in [1, {}] (got {})", MapperSearch::kMaxCandidates,
                                                       search.max_candidates)});
  return issues;
}

std::string describe(const MapperSearch& search) {
  if (search.mode == MapperMode::kEstimate) return "estimate";
  // The window as it round-trips (a result file's provenance and spec hash), and -0 as 0.
  return fmt::format("simulate (window {}, up to {} candidates)", search.window + 0.0, search.max_candidates);
}

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
  require_valid(options.mapper);
  if (options.progress && options.progress->layers() != 1)
    throw std::invalid_argument(fmt::format("simulate_layer reports to a progress of 1 layer, not {}", options.progress->layers()));
  LayerRunner runner(arch, options);
  if (options.progress) options.progress->on_layer_started(0);
  LayerResult r = runner.run(layer, std::nullopt, 0);
  if (options.progress) options.progress->on_layer_done(0);
  return r;
}

NetworkResult simulate_network(const ArchSpec& arch, const workloads::NetworkData& net, const RunOptions& options,
                               const IndexLoop& layers, std::vector<LayerResult>* done) {
  require_valid(arch);
  require_valid(options.mapper);
  NetworkResult result;
  result.network = net.network.name;
  result.batch = net.batch;
  const std::size_t count = options.max_layers == 0 ? net.layers.size() : std::min(options.max_layers, net.layers.size());
  result.layers.resize(count);
  if (options.progress && options.progress->layers() != count)
    throw std::invalid_argument(fmt::format("simulate_network runs {} layer{} of '{}', its progress counts {}", count,
                                            count == 1 ? "" : "s", net.network.name, options.progress->layers()));
  // One runner per thread at a time: a layer takes an idle one (or makes one) and gives it back, so a
  // serial loop runs every layer on one runner, as before there were loops.
  std::mutex idle_mutex;
  std::vector<std::unique_ptr<LayerRunner>> idle;
  std::size_t failed = count;
  try {
    for_each_index(
        layers, count,
        [&](std::size_t i) {
          std::unique_ptr<LayerRunner> runner;
          {
            const std::lock_guard lock(idle_mutex);
            if (!idle.empty()) runner = std::move(idle.back()), idle.pop_back();
          }
          if (!runner) runner = std::make_unique<LayerRunner>(arch, options);
          if (options.progress) options.progress->on_layer_started(i);
          result.layers[i] = runner->run(net.layers[i], written_oact_density(net, i), i);
          if (options.progress) options.progress->on_layer_done(i);
          const std::lock_guard lock(idle_mutex);
          idle.push_back(std::move(runner));
        },
        &failed);
  } catch (...) {
    // The layers below the first failing one have all run (for_each_index).
    if (done && failed < count)
      done->assign(std::make_move_iterator(result.layers.begin()),
                   std::make_move_iterator(result.layers.begin() + static_cast<std::ptrdiff_t>(failed)));
    throw;
  }
  for (const LayerResult& l : result.layers) add_fields(result.totals, l.stats);  // in layer order, as before
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
