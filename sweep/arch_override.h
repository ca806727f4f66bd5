// apply_arch_override: sets one ArchSpec parameter from text by its dotted name (hw::for_each_param);
// apply_arch_sets: the --set PARAM=VALUE options of `eyesim run` and `eyesim show arch`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hw/arch_spec.h"

namespace eyesim::sweep {

/// Parses `value` by the parameter's type (integer, real, bool, or enum name) and assigns it.
/// Returns a message saying what is wrong (unknown parameter, or the value and the type expected).
std::optional<std::string> apply_arch_override(hw::ArchSpec& arch, std::string_view path, std::string_view value);

/// Applies "PARAM=VALUE" assignments to `arch`, in order (`eyesim run --arch A --set noc.iact_port_bits=48`).
/// Throws std::invalid_argument "--set 'TEXT': ..." for the first one that is not PARAM=VALUE, sets a
/// parameter an earlier one set, names no parameter (with the nearest name), or gives a value that does not
/// parse or lies outside the parameter's own range. Constraints between parameters are left to
/// hw::validate on the result.
void apply_arch_sets(hw::ArchSpec& arch, const std::vector<std::string>& sets);

}  // namespace eyesim::sweep
