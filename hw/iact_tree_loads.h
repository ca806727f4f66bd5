// IactTreeLoads: how many iact multicasts of one lane step share the busiest NoC server, per spatial factors.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hw/arch_spec.h"
#include "hw/noc.h"

namespace eyesim::hw {

/// For the mapper's estimate (docs/model.md §2): in one step every lane multicasts one input row per
/// reduction slot red_i from its PE (m_i = 0, red_i) to its k_m PEs (Placement), and each multicast holds
/// its source port and every mesh link of its tree (Noc::route) for its whole transfer. Multicasts that
/// hold one server serialise on it, however many ports the step's rows are spread over, so the busiest
/// server carries `busiest()` of them per step. Depends only on the architecture and (k_red, k_m, lanes,
/// whether the chains span clusters, hw/psum_chains.h): the lanes fill the array in order, so one table
/// per (k_red, k_m, spanning), the running maximum over the lanes placed so far, answers every lane count
/// up to the most asked for; built on first use, extended lane by lane when more are asked for, and kept
/// (one object serves every layer of a network on `arch`). Allocates only when it builds or extends a table.
class IactTreeLoads {
 public:
  explicit IactTreeLoads(const ArchSpec& arch);
  const ArchSpec& arch() const { return arch_; }

  /// The most iact multicasts of one step of the first `lanes` lane slots (chains of k_red PEs reducing
  /// `partials` per output, k_m per lane) that hold one source port or mesh link. `lanes` x k_m chains must
  /// fit the array (chains_for).
  std::uint32_t busiest(std::uint32_t k_red, std::uint32_t k_m, std::uint32_t partials, std::uint32_t lanes);

 private:
  struct Table {
    std::uint32_t k_red, k_m;
    bool span;  ///< chains_span_clusters
    std::vector<std::uint32_t> busiest;  ///< [lanes]: the running maximum
    std::vector<std::uint32_t> held;     ///< multicasts per server (Noc::servers()) of the lanes counted
  };
  const ArchSpec& arch_;
  std::optional<Noc> noc_;  ///< routes only: its servers are never reserved (made on first use)
  std::vector<Table> tables_;
  std::vector<std::uint32_t> dests_;  ///< one multicast's PEs
  std::vector<std::uint32_t> pes_;           ///< a lane's PEs (Placement::lane_pes)
};

}  // namespace eyesim::hw
