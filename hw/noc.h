// Noc: the ports of the on-chip network for the three data types, in either organisation:
// the hierarchical mesh of Eyeriss v2 §III (routers per cluster, a 2-D mesh between clusters) or the
// flat multicast buses of Eyeriss v1 (one bus per data type for the whole array).
#pragma once

#include <cstdint>
#include <vector>

#include "hw/arch_spec.h"
#include "hw/port_server.h"

namespace eyesim::hw {

enum class DataType : std::uint8_t { kIact = 0, kWeight = 1, kPsum = 2 };

/// A multicast on one source port: starts when the port is free (and not before `ready`, when every
/// destination can take it); occupies the port for ceil(bits / width) cycles; reaches the farthest
/// destination `hops` router hops later.
struct Transfer {
  std::uint64_t start = 0;
  std::uint64_t end = 0;      ///< last bit leaves the source port
  std::uint64_t arrival = 0;  ///< last bit reaches the farthest destination
};

class Noc {
 public:
  explicit Noc(const ArchSpec& arch);

  /// The source port a PE's data of `type` uses: its cluster's router for the PE's row (iact, weight)
  /// or column (psum); the single bus of a flat NoC.
  std::uint32_t port_of(DataType type, std::uint32_t pe) const;

  /// Router hops from `from_pe`'s cluster to `to_pe`'s cluster, plus the hop into the PE cluster.
  std::uint32_t hops(std::uint32_t from_pe, std::uint32_t to_pe) const;

  /// Sends `bits` on `port` no earlier than `ready`; counts transfers and bits x hops.
  Transfer send(DataType type, std::uint32_t port, std::uint64_t ready, std::uint64_t bits, std::uint32_t hops);

  std::uint64_t transfers(DataType t) const { return transfers_[static_cast<int>(t)]; }
  std::uint64_t bit_hops(DataType t) const { return bit_hops_[static_cast<int>(t)]; }
  /// All ports, iact ports first, then weight, then psum (the order of LayerTraces::port_*).
  const std::vector<PortServer>& ports() const { return ports_; }

 private:
  const ArchSpec& arch_;
  std::uint32_t first_port_[3] = {0, 0, 0};
  std::uint32_t routers_[3] = {1, 1, 1};
  std::uint32_t width_[3] = {1, 1, 1};
  std::vector<PortServer> ports_;
  std::uint64_t transfers_[3] = {0, 0, 0};
  std::uint64_t bit_hops_[3] = {0, 0, 0};
};

}  // namespace eyesim::hw
