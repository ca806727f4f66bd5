// layer_progress_line: see layer_progress.h.
#include "sweep/layer_progress.h"

#include <cstdint>
#include <functional>

#include <fmt/format.h>

namespace eyesim::sweep {

IndexLoop PreparationProgress::counting(const IndexLoop& loop) {
  return [this, &loop](std::size_t n, const std::function<void(std::size_t)>& body) {
    loop(n, [&](std::size_t i) {
      body(i);
      prepared_.fetch_add(1, std::memory_order_relaxed);
    });
  };
}

std::string PreparationProgress::line(double elapsed) const {
  return fmt::format("preparing the data [{:>{}}/{} layers] | {:.0f}s elapsed", prepared_.load(std::memory_order_relaxed),
                     std::to_string(layers_).size(), layers_, elapsed);
}

WatchedRun watched_run(const hw::RunProgress& progress, const workloads::Network& net, std::uint32_t batch) {
  WatchedRun run{.progress = &progress, .layer_macs = {}};
  run.layer_macs.reserve(progress.layers());
  // (The shapes carry batch 1 until the data are prepared.)
  for (std::size_t i = 0; i < progress.layers() && i < net.layers.size(); ++i)
    run.layer_macs.push_back(static_cast<double>(net.layers[i].shape.macs()) / net.layers[i].shape.n * batch);
  run.layer_macs.resize(progress.layers(), 0.0);
  return run;
}

std::string layer_progress_line(std::span<const WatchedRun> runs, double elapsed) {
  std::size_t layers = 0, layers_done = 0, runs_done = 0;
  std::uint64_t candidates = 0;
  bool searched = false;
  double macs = 0, macs_done = 0;
  for (const WatchedRun& r : runs) {
    const hw::RunProgress& p = *r.progress;
    std::size_t done = 0;
    for (std::size_t i = 0; i < p.layers(); ++i) {
      const std::uint32_t found = p.candidates(i), simulated = p.candidates_done(i);
      searched = searched || found > 0;
      candidates += simulated;
      macs += r.layer_macs[i];
      if (p.is_done(i)) {
        ++done;
        macs_done += r.layer_macs[i];
      } else if (found > 0 && p.is_started(i)) {
        macs_done += r.layer_macs[i] * (simulated < found ? double(simulated) / double(found) : 1.0);
      }
    }
    layers += p.layers();
    layers_done += done;
    runs_done += done == p.layers();
  }
  const bool one = runs.size() == 1;
  const std::size_t count = one ? layers_done : runs_done, total = one ? layers : runs.size();
  return fmt::format("[{:>{}}/{} {}] {:5.1f}% of MACs{} | {:.0f}s elapsed", count, std::to_string(total).size(), total,
                     one ? (total == 1 ? "layer" : "layers") : (total == 1 ? "simulation" : "simulations"), macs > 0 ? 100.0 * macs_done / macs : 100.0,
                     searched ? fmt::format(" | {} candidates simulated", candidates) : std::string(), elapsed);
}

}  // namespace eyesim::sweep
