// Noc: port assignment, mesh hop counts and transfer reservation.
#include "hw/noc.h"

#include <cstdlib>

namespace eyesim::hw {

Noc::Noc(const ArchSpec& arch) : arch_(arch) {
  const bool flat = arch.noc.kind == NocKind::kFlatMulticast;
  const std::uint32_t clusters = flat ? 1 : arch.clusters();
  routers_[0] = flat ? 1 : arch.noc.iact_routers;
  routers_[1] = flat ? 1 : arch.noc.weight_routers;
  routers_[2] = flat ? 1 : arch.noc.psum_routers;
  width_[0] = arch.noc.iact_port_bits;
  width_[1] = arch.noc.weight_port_bits;
  width_[2] = arch.noc.psum_port_bits;
  std::uint32_t next = 0;
  for (int t = 0; t < 3; ++t) {
    first_port_[t] = next;
    next += clusters * routers_[t];
  }
  ports_.resize(next);
}

std::uint32_t Noc::port_of(DataType type, std::uint32_t pe) const {
  const int t = static_cast<int>(type);
  if (arch_.noc.kind == NocKind::kFlatMulticast) return first_port_[t];
  const std::uint32_t ppc = arch_.pes_per_cluster();
  const std::uint32_t cluster = pe / ppc;
  const std::uint32_t local = pe % ppc;  // column-major inside the cluster: psum chains run up a column
  const std::uint32_t row = local % arch_.array.pe_rows;
  const std::uint32_t col = local / arch_.array.pe_rows;
  const std::uint32_t lane = type == DataType::kPsum ? col : row;
  return first_port_[t] + cluster * routers_[t] + lane % routers_[t];
}

std::uint32_t Noc::hops(std::uint32_t from_pe, std::uint32_t to_pe) const {
  if (arch_.noc.kind == NocKind::kFlatMulticast) return 1;
  const std::uint32_t ppc = arch_.pes_per_cluster();
  const std::uint32_t a = from_pe / ppc, b = to_pe / ppc;
  const std::uint32_t cols = arch_.array.cluster_cols;
  const auto dr = std::abs(static_cast<int>(a / cols) - static_cast<int>(b / cols));
  const auto dc = std::abs(static_cast<int>(a % cols) - static_cast<int>(b % cols));
  return 1 + static_cast<std::uint32_t>(dr + dc);
}

Transfer Noc::send(DataType type, std::uint32_t port, std::uint64_t ready, std::uint64_t bits, std::uint32_t hops) {
  const int t = static_cast<int>(type);
  const std::uint64_t cycles = (bits + width_[t] - 1) / width_[t];
  PortServer& p = ports_[port];
  Transfer x;
  x.start = p.reserve(ready, cycles);
  x.end = x.start + cycles;
  x.arrival = x.end + std::uint64_t{hops} * arch_.noc.hop_latency_cycles;
  p.bits += bits;
  ++transfers_[t];
  bit_hops_[t] += bits * hops;
  return x;
}

}  // namespace eyesim::hw
