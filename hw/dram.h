// Dram: off-chip memory as one bandwidth/latency server (unlimited bandwidth when 0).
#pragma once

#include <cstdint>

#include "hw/arch_spec.h"
#include "hw/port_server.h"

namespace eyesim::hw {

class Dram {
 public:
  explicit Dram(const ArchSpec& arch)
      : bytes_per_cycle_(arch.dram.bandwidth_gbps > 0 ? arch.dram.bandwidth_gbps * 1e9 / (arch.clock_mhz * 1e6) : 0.0),
        latency_(arch.dram.latency_cycles) {}

  /// Moves `bytes` no earlier than `ready`; returns the cycle the data is there.
  std::uint64_t access(std::uint64_t ready, std::uint64_t bytes) {
    if (bytes_per_cycle_ <= 0.0) return ready + latency_;
    const auto cycles = static_cast<std::uint64_t>(static_cast<double>(bytes) / bytes_per_cycle_ + 0.999999);
    return channel_.reserve(ready, cycles) + cycles + latency_;
  }
  std::uint64_t busy_until() const { return channel_.free_at(); }

 private:
  double bytes_per_cycle_;
  std::uint64_t latency_;
  PortServer channel_;
};

}  // namespace eyesim::hw
