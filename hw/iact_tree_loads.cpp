// IactTreeLoads: the iact trees of every lane slot, placed and routed as the chip does, counted per server.
#include "hw/iact_tree_loads.h"

#include <algorithm>

#include "core/check.h"
#include "hw/placement.h"
#include "hw/psum_chains.h"

namespace eyesim::hw {

IactTreeLoads::IactTreeLoads(const ArchSpec& arch) : arch_(arch) {}

std::uint32_t IactTreeLoads::busiest(std::uint32_t k_red, std::uint32_t k_m, std::uint32_t partials, std::uint32_t lanes) {
  const bool span = chains_span_clusters(arch_, k_red, partials);
  auto table = std::find_if(tables_.begin(), tables_.end(),
                            [&](const Table& t) { return t.k_red == k_red && t.k_m == k_m && t.span == span; });
  if (table == tables_.end()) {
    tables_.push_back({k_red, k_m, span, {0}, {}});
    table = tables_.end() - 1;
  }
  if (lanes >= table->busiest.size()) {
    // Placed and routed from the first lane not yet counted up to `lanes`: a lane's place does not depend
    // on how many lanes there are, so the table only grows.
    EYESIM_CHECK(k_m >= 1 && std::uint64_t{lanes} * k_m <= chains_for(arch_, k_red, partials),
                 "{} lanes of {} chains of {} PEs exceed the array", lanes, k_m, k_red);
    if (!noc_) noc_.emplace(arch_);
    const Placement place(arch_, k_red, k_m, 1, partials);
    if (table->held.empty()) table->held.assign(noc_->servers(), 0);
    dests_.resize(k_m);
    pes_.resize(std::size_t{k_m} * k_red);
    std::uint32_t most = table->busiest.back();
    for (auto lane = static_cast<std::uint32_t>(table->busiest.size() - 1); lane < lanes; ++lane) {
      place.lane_pes(lane, pes_);
      for (std::uint32_t red_i = 0; red_i < k_red; ++red_i) {
        const std::uint32_t src = place.iact_multicast(pes_, red_i, dests_);
        most = std::max(most, noc_->count_held(DataType::kIact, src, dests_, table->held));
      }
      table->busiest.push_back(most);
    }
  }
  return table->busiest[lanes];
}

}  // namespace eyesim::hw
