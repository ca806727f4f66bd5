// apply_arch_override: sets one ArchSpec parameter from text by its dotted name (hw::for_each_param).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hw/arch_spec.h"

namespace eyesim::sweep {

/// Parses `value` by the parameter's type (integer, real, bool, or enum name) and assigns it.
/// Returns a message saying what is wrong (unknown parameter, or the value and the type expected).
std::optional<std::string> apply_arch_override(hw::ArchSpec& arch, std::string_view path, std::string_view value);

}  // namespace eyesim::sweep
