// NocMode: how one data type is distributed to the PEs during a layer (Eyeriss v2 §III-B, Fig. 8).
#pragma once

#include <cstdint>
#include <string_view>

namespace eyesim::hw {

enum class NocMode : std::uint8_t {
  kUnicast,               ///< high bandwidth: every PE gets its own data
  kGroupedMulticast,      ///< a source feeds all PEs of its own group (e.g. its cluster)
  kInterleavedMulticast,  ///< a source feeds the same-position PE of every cluster
  kBroadcast,             ///< high reuse: one source feeds every PE
};

std::string_view to_string(NocMode);

}  // namespace eyesim::hw
