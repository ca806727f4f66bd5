// NocMode names.
#include "hw/noc_mode.h"

namespace eyesim::hw {

std::string_view to_string(NocMode m) {
  switch (m) {
    case NocMode::kUnicast: return "unicast";
    case NocMode::kGroupedMulticast: return "grouped_multicast";
    case NocMode::kInterleavedMulticast: return "interleaved_multicast";
    case NocMode::kBroadcast: return "broadcast";
  }
  return "?";
}

}  // namespace eyesim::hw
