// Dram: off-chip memory as one bandwidth/latency channel (unlimited bandwidth when 0).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "hw/arch_spec.h"

namespace eyesim::hw {

/// Run-length coded size (V1 §IV): one (5-bit run, 16-bit level) pair per non-zero, a run of more than
/// 31 zeros costs one more pair per 32 values, three pairs per 64-bit word.
constexpr std::uint64_t rlc_bytes(std::uint64_t values, std::uint64_t nonzeros) {
  const std::uint64_t pairs = std::max(nonzeros, (values + 31) / 32);
  return (pairs + 2) / 3 * 8;
}

/// Bytes that one write of `values` output activations of `bits` each moves to DRAM. With
/// `dram.fmap_rlc` and a known `density` (the fraction of non-zeros left by the ReLU, see
/// simulate.h `written_oact_density`) the chip codes the write as it codes feature maps it reads:
/// round(values x density) expected non-zeros, and the smaller of coded and raw; otherwise raw.
inline std::uint64_t oact_write_bytes(const DramSpec& dram, std::uint64_t values, std::uint32_t bits,
                                      std::optional<double> density) {
  const std::uint64_t raw = (values * bits + 7) / 8;
  if (!dram.fmap_rlc || !density) return raw;
  const auto nonzeros = static_cast<std::uint64_t>(std::llround(static_cast<double>(values) * std::clamp(*density, 0.0, 1.0)));
  return std::min(raw, rlc_bytes(values, nonzeros));
}

/// The channel's bandwidth is accounted in windows of kWindowCycles: a transfer takes what is left of
/// the window of its ready cycle and then of the following windows. Unlike a busy-until server this
/// accepts reservations out of time order (a prefetch issued for a block's start, a weight read issued
/// when the previous pass's tiles were delivered) without one late reservation delaying every
/// earlier-ready one behind it, and many small transfers (a CSC row segment is a few bytes) share a
/// cycle's bandwidth. Windows are filled in the order transfers are booked, so a transfer booked for a
/// cycle the chip has not reached would take the bandwidth of the reads the chip asks for before that
/// cycle: writes nobody waits for (outputs, spilled psums), which the chip knows of when their step
/// starts but issues only when their data leave, are posted and booked when the chip reaches their
/// issue cycle (issue_until), earliest first.
class Dram {
 public:
  static constexpr std::uint64_t kWindowCycles = 64;
  /// The most windows one layer may reserve (2^26: 768 MiB of tables with their skip links, 4.3e9 cycles,
  /// 21 s at 200 MHz).
  /// A bandwidth near zero (dram.bandwidth_gbps = 1e-300 is in range) would otherwise grow the table
  /// until memory runs out, and its cycle count past what a 64-bit count holds.
  static constexpr std::size_t kMaxWindows = std::size_t{1} << 26;

  /// A posted write (post) not yet booked.
  struct Posted {
    std::uint64_t issue, seq, bytes;
    /// Heap order: the earliest issue (then the first posted) on top.
    bool operator<(const Posted& o) const { return issue != o.issue ? issue > o.issue : seq > o.seq; }
  };
  /// The window table and its skip links (and the posted writes' heap), kept between Drams so that a chip
  /// reuses their capacity.
  struct Storage {
    std::vector<double> used;
    std::vector<std::uint32_t> next_open;
    std::vector<Posted> posted;
  };
  /// `storage`: the tables of an earlier Dram (release()), emptied here and their capacity reused.
  explicit Dram(const ArchSpec& arch, Storage&& storage = {})
      : bandwidth_gbps_(arch.dram.bandwidth_gbps),
        bytes_per_cycle_(arch.dram.bandwidth_gbps > 0 ? arch.dram.bandwidth_gbps * 1e9 / (arch.clock_mhz * 1e6) : 0.0),
        window_bytes_(bytes_per_cycle_ * kWindowCycles),
        latency_(arch.dram.latency_cycles),
        used_(std::move(storage.used)),
        next_open_(std::move(storage.next_open)),
        posted_(std::move(storage.posted)) {
    used_.clear();
    next_open_.clear();
    posted_.clear();
  }
  /// Hands the tables back (the Dram is then unusable).
  Storage release() { return {std::move(used_), std::move(next_open_), std::move(posted_)}; }
  /// A write of `bytes` that nothing waits for but the end of the layer, issued at cycle `issue` (which
  /// may be ahead of the chip): held until issue_until reaches `issue`, or drain.
  void post(std::uint64_t issue, std::uint64_t bytes) {
    if (bytes_per_cycle_ <= 0.0) {  // unlimited: a transfer takes no bandwidth, so its booking order is moot
      last_posted_ = std::max(last_posted_, issue + latency_);
      return;
    }
    hold(issue, bytes);
  }
  /// Books the posted writes issued by cycle `now` (the chip's present), earliest first: the chip calls it
  /// before it books a read at `now`, so the read queues behind the writes issued before it and ahead of
  /// those issued after.
  void issue_until(std::uint64_t now) {
    while (!posted_.empty() && posted_.front().issue <= now) book_front();
  }
  /// Books every posted write (the layer's events are done); returns the cycle the last posted write's data
  /// are there (+ latency), 0 if none was posted.
  std::uint64_t drain() {
    while (!posted_.empty()) book_front();
    return last_posted_;
  }
  /// Moves `bytes` no earlier than `ready`; returns the cycle the data is there.
  std::uint64_t access(std::uint64_t ready, std::uint64_t bytes) {
    if (bytes_per_cycle_ <= 0.0) return ready + latency_;
    double remaining = static_cast<double>(bytes);
    std::size_t w = ready / kWindowCycles;
    // A transfer that alone outlasts the table is refused before the table grows for it (below: one
    // that the transfers before it push past the end).
    if (static_cast<double>(w) + remaining / window_bytes_ >= static_cast<double>(kMaxWindows)) too_slow();
    // Full windows take nothing: a transfer steps over them through their skip links, so one queued behind
    // a long backlog (a saturated link) costs the windows it fills, not the ones before them.
    if (remaining > kDoneBytes) w = first_open(w);
    for (;;) {
      if (w >= used_.size()) {
        if (w >= kMaxWindows) too_slow();
        const std::size_t old = used_.size();
        used_.resize(std::min(std::max<std::size_t>(w + 1, old * 2), kMaxWindows), 0.0);
        next_open_.resize(used_.size());
        for (std::size_t i = old; i < next_open_.size(); ++i) next_open_[i] = static_cast<std::uint32_t>(i);
      }
      const double space = window_bytes_ - used_[w];
      if (remaining >= space) {  // fills the window: exactly full from now on
        used_[w] = window_bytes_;
        remaining -= space;
        next_open_[w] = static_cast<std::uint32_t>(w + 1);
      } else {
        used_[w] += remaining;
        remaining = 0;
      }
      if (remaining <= kDoneBytes) break;
      w = first_open(w + 1);
    }
    // Done when its window has carried everything reserved in it so far (first come, first served),
    // and never faster than the bandwidth allows from `ready`.
    const double done = std::max(static_cast<double>(ready) + static_cast<double>(bytes) / bytes_per_cycle_,
                                 static_cast<double>(w * kWindowCycles) + used_[w] / bytes_per_cycle_);
    const auto arrival = static_cast<std::uint64_t>(std::ceil(done));
    last_done_ = std::max(last_done_, arrival);
    return arrival + latency_;
  }
  /// The cycle the last transfer completes (0 when unlimited: transfers then take only latency).
  std::uint64_t busy_until() const { return last_done_; }

 private:
  [[noreturn]] void too_slow() const {
    // Not always the bandwidth's doing: a long DRAM latency or a slow chip can take a layer there too
    // (helper-58: 4.6e9 cycles on one PE with a latency of 10^6 was blamed on 10^6 GB/s).
    throw std::runtime_error(fmt::format("the layer's DRAM transfers would last past cycle {}, the limit of the DRAM "
                                         "model with a finite bandwidth (dram.bandwidth_gbps = {}): raise the bandwidth "
                                         "(0 is unlimited), shorten dram.latency_cycles, or give the layer more PEs",
                                         kMaxWindows * kWindowCycles, bandwidth_gbps_));
  }

  // The heap work is kept out of line: inlined into the chip's step handler, it grew the handler past what
  // the compiler inlines into it, and Noc::multicast went out of line (+8.8 % instructions on sparse
  // MobileNet, callgrind).
  [[gnu::noinline]] void hold(std::uint64_t issue, std::uint64_t bytes) {
    posted_.push_back(Posted{issue, posted_seq_++, bytes});
    std::push_heap(posted_.begin(), posted_.end());
  }
  [[gnu::noinline]] void book_front() {
    std::pop_heap(posted_.begin(), posted_.end());
    const Posted p = posted_.back();
    posted_.pop_back();
    last_posted_ = std::max(last_posted_, access(p.issue, p.bytes));
  }

  static constexpr double kDoneBytes = 1e-9;  ///< what is left of a transfer when it is done (rounding)
  /// The first window at or after `w` that is not full (used_.size() when every one from `w` on is):
  /// next_open_ links a full window to a later one; each link passed is pointed two ahead (path splitting).
  std::size_t first_open(std::size_t w) {
    while (w < next_open_.size() && next_open_[w] != w) {
      const std::uint32_t next = next_open_[w];
      if (next < next_open_.size()) next_open_[w] = next_open_[next];
      w = next;
    }
    return w;
  }
  double bandwidth_gbps_;
  double bytes_per_cycle_;
  double window_bytes_;
  std::uint64_t latency_;
  std::vector<double> used_;  ///< bytes reserved per window
  std::vector<std::uint32_t> next_open_;  ///< per window: itself if not full, else a later window
  std::uint64_t last_done_ = 0;
  std::vector<Posted> posted_;  ///< writes posted and not yet booked (a heap, earliest issue on top)
  std::uint64_t posted_seq_ = 0;
  std::uint64_t last_posted_ = 0;  ///< the latest arrival (+ latency) of a booked posted write
};

}  // namespace eyesim::hw
