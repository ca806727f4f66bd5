// layer_progress_line: the progress line of `eyesim run` and `eyesim validate`, read from the hw::RunProgress
// of each network run.
#pragma once

#include <atomic>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/index_loop.h"
#include "hw/run_progress.h"
#include "workloads/network.h"

namespace eyesim::sweep {

/// The layers whose data are prepared, for the progress line before the simulations start (`eyesim run`
/// and `eyesim validate`). Thread-safe; not copyable.
class PreparationProgress {
 public:
  explicit PreparationProgress(std::size_t layers) : layers_(layers) {}
  /// `loop` (kept by reference), counting each index it has run.
  IndexLoop counting(const IndexLoop& loop);
  /// "preparing the data [ 3/16 layers] | 2s elapsed".
  std::string line(double elapsed) const;

 private:
  std::size_t layers_;
  std::atomic<std::size_t> prepared_{0};
};

/// A network run a progress line follows: its progress and the nominal MACs of each layer it simulates.
struct WatchedRun {
  const hw::RunProgress* progress = nullptr;
  std::vector<double> layer_macs;
};

/// `progress` of a run of `net` at `batch` (its first progress.layers() layers), kept by pointer. The
/// batch weighs the run against others in one line (validate's JSSC cases run at batch 4).
WatchedRun watched_run(const hw::RunProgress& progress, const workloads::Network& net, std::uint32_t batch = 1);

/// "[ 9/16 layers]  56.2% of MACs | 57 candidates simulated | 12s elapsed" for one run; for several,
/// "[12/25 simulations] ...", the runs whose every layer is done. The share of MACs counts each finished
/// layer whole and a searched one in flight by its share of candidates simulated; "candidates simulated"
/// appears once a search has started (--mapper simulate). No ETA: nothing known before a layer runs says
/// how long it takes. Its time per nominal MAC varies 10x within a network (VGG-16 at batch 64, -j 1:
/// 8-33 ms per GMAC; MobileNet 1.0/224 and ResNet-50 more), and a fit of the time to the MACs, the output
/// size and the channels of 200 layers of six networks still missed by 3-4x for one layer in five; an ETA
/// from the share of MACs done read 0.7-1.7x the time left on VGG-16 at batch 64 and 3.2x after ResNet-50's
/// first layer at batch 16 (measured 2026-12-01 on this 2-core VM).
std::string layer_progress_line(std::span<const WatchedRun> runs, double elapsed);

}  // namespace eyesim::sweep
