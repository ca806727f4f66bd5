// RunProgress: how far a network run has got, layer by layer, for a progress display on another thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace eyesim::hw {

/// How far simulate_network has got (RunOptions::progress), for a progress display on another thread
/// (`eyesim run --progress`). The threads simulating the layers advance it: once when a layer starts and
/// ends and once per candidate mapping simulated, never per event. Nothing in the run reads it back, so the
/// results do not depend on it. Relaxed atomics: a reader sees each layer's latest state, not a snapshot of
/// all of them taken at one instant (enough for counts and an ETA). Thread-safe; not copyable.
class RunProgress {
 public:
  /// For a run of `layers` layers (what simulate_network simulates: RunOptions::max_layers counts).
  explicit RunProgress(std::size_t layers) : layers_(layers) {}

  std::size_t layers() const { return layers_.size(); }
  bool is_started(std::size_t layer) const { return layers_[layer].state.load(std::memory_order_relaxed) >= kStarted; }
  bool is_done(std::size_t layer) const { return layers_[layer].state.load(std::memory_order_relaxed) == kDone; }
  /// MapperMode::kSimulate: the layer's candidate mappings once its search has started (0 before, and for a
  /// layer that is not searched: estimate mode, a forced mapping), and how many of them are simulated.
  std::uint32_t candidates(std::size_t layer) const { return layers_[layer].candidates.load(std::memory_order_relaxed); }
  std::uint32_t candidates_done(std::size_t layer) const {
    return layers_[layer].candidates_done.load(std::memory_order_relaxed);
  }

  // Advanced by simulate_network (and simulate_layer, as layer 0), each layer by the thread simulating it.
  void on_layer_started(std::size_t layer) { layers_[layer].state.store(kStarted, std::memory_order_relaxed); }
  void on_search_started(std::size_t layer, std::uint32_t candidates) {
    layers_[layer].candidates.store(candidates, std::memory_order_relaxed);
  }
  void on_candidate_done(std::size_t layer) { layers_[layer].candidates_done.fetch_add(1, std::memory_order_relaxed); }
  void on_layer_done(std::size_t layer) { layers_[layer].state.store(kDone, std::memory_order_relaxed); }

 private:
  static constexpr std::uint8_t kStarted = 1, kDone = 2;
  struct Layer {
    std::atomic<std::uint8_t> state{0};
    std::atomic<std::uint32_t> candidates{0};
    std::atomic<std::uint32_t> candidates_done{0};
  };
  std::vector<Layer> layers_;  // sized once: atomics do not move
};

}  // namespace eyesim::hw
