// Named architecture presets: the chips of the Eyeriss papers. Every field can then be overridden.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hw/arch_spec.h"

namespace eyesim::hw {

/// Stable order: eyeriss_v2, eyeriss_v1_scaled, eyeriss_v1_5, eyeriss_v1_jssc, eyeriss_v2_256,
/// eyeriss_v2_1024, eyeriss_v2_16384.
std::vector<std::string> preset_names();

/// nullopt for an unknown name. Every preset passes validate().
std::optional<ArchSpec> preset(std::string_view name);

/// One line per preset for `eyesim list archs`.
std::string_view preset_description(std::string_view name);

}  // namespace eyesim::hw
