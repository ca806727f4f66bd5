// nearest_name: the "did you mean 'noc.iact_port_bits'?" of an error about an unknown name.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eyesim {

/// Edits that turn `a` into `b`: insertions, deletions, substitutions and swaps of two adjacent characters,
/// each costing 1 (the optimal string alignment distance). ASCII case is ignored: "CONV3" and "conv3" are 0
/// apart.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The known name `given` most likely misspells, or nullopt when none is a likely typo of it:
/// - the candidate it is in another case ("Mobilenet" -> "mobilenet");
/// - the one candidate that begins with `given` ("pe.simd" -> "pe.simd_width");
/// - otherwise the one candidate at the fewest edits, if that is at most max(1, size of `given` / 3) and no
///   other candidate is as close ("noc.iact_port_bit" -> "noc.iact_port_bits");
/// - otherwise, for a name without the dotted prefix its candidates have, the one candidate whose last
///   component it is, or is a likely typo of ("iact_port_bits" -> "noc.iact_port_bits").
/// A candidate equal to `given` is never suggested (the caller has refused it for another reason).
std::optional<std::string> nearest_name(std::string_view given, std::span<const std::string_view> candidates);

/// "; did you mean 'X'?" for the nearest_name of `given`, or "" when there is none: the tail of an error
/// ("unknown layer key 'wieght_density'; did you mean 'weight_density'?").
std::string did_you_mean(std::string_view given, std::span<const std::string_view> candidates);
std::string did_you_mean(std::string_view given, const std::vector<std::string>& candidates);

}  // namespace eyesim
