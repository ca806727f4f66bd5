// IactTreeLoads: the iact trees of every lane slot, placed and routed as the chip does, counted per server.
#include "hw/iact_tree_loads.h"

#include <algorithm>

#include "core/check.h"
#include "hw/mapper.h"
#include "hw/placement.h"

namespace eyesim::hw {

IactTreeLoads::IactTreeLoads(const ArchSpec& arch) : arch_(arch), noc_(arch) {}

std::uint32_t IactTreeLoads::busiest(std::uint32_t k_red, std::uint32_t k_m, std::uint32_t lanes) {
  auto table = std::find_if(tables_.begin(), tables_.end(), [&](const Table& t) { return t.k_red == k_red && t.k_m == k_m; });
  if (table == tables_.end()) {
    const std::uint32_t slots = k_m == 0 ? 0 : chains_for(arch_, k_red) / k_m;
    Table t{k_red, k_m, std::vector<std::uint32_t>(std::size_t{slots} + 1, 0)};
    const Placement place(arch_, k_red, k_m, 1);
    held_.assign(noc_.servers(), 0);
    dests_.resize(k_m);
    std::uint32_t most = 0;
    for (std::uint32_t lane = 0; lane < slots; ++lane) {
      for (std::uint32_t red_i = 0; red_i < k_red; ++red_i) {
        const std::uint32_t src = place.iact_multicast(lane, red_i, dests_);
        most = std::max(most, noc_.count_held(DataType::kIact, src, dests_, held_));
      }
      t.busiest[lane + 1] = most;
    }
    tables_.push_back(std::move(t));
    table = tables_.end() - 1;
  }
  EYESIM_CHECK(lanes < table->busiest.size(), "{} lanes of {} chains of {} PEs exceed the array", lanes, k_m, k_red);
  return table->busiest[lanes];
}

}  // namespace eyesim::hw
