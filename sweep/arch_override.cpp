// apply_arch_override: text -> typed ArchSpec parameter, through the one parameter list.
#include "sweep/arch_override.h"

#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "core/nearest_name.h"

namespace eyesim::sweep {

std::optional<std::string> apply_arch_override(hw::ArchSpec& arch, std::string_view path, std::string_view value) {
  bool found = false;
  std::optional<std::string> problem;
  hw::for_each_param(arch, [&](std::string_view name, auto& field) {
    if (name != path) return;
    found = true;
    using T = std::remove_cvref_t<decltype(field)>;
    if constexpr (std::is_same_v<T, bool>) {
      if (value == "true") field = true;
      else if (value == "false") field = false;
      else problem = fmt::format("expected true or false (got '{}')", value);
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
      std::uint32_t v = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc{} || end != value.data() + value.size())
        problem = fmt::format("expected a non-negative integer below 2^32 (got '{}')", value);
      else field = v;
    } else if constexpr (std::is_same_v<T, double>) {
      double v = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc{} || end != value.data() + value.size()) problem = fmt::format("expected a number (got '{}')", value);
      else field = v;
    } else {
      if (!hw::parse_enum(value, field)) {
        const std::vector<std::string_view> names =
            std::is_same_v<T, hw::PeKind>
                ? std::vector<std::string_view>{hw::to_string(hw::PeKind::kSparse), hw::to_string(hw::PeKind::kDense)}
                : std::vector<std::string_view>{hw::to_string(hw::NocKind::kHierarchicalMesh),
                                                hw::to_string(hw::NocKind::kFlatMulticast)};
        problem = fmt::format("expected {} or {} (got '{}'){}", names[0], names[1], value, did_you_mean(value, names));
      }
    }
  });
  if (!found) return fmt::format("unknown architecture parameter '{}'{}", path, did_you_mean(path, hw::param_names()));
  return problem;
}

void apply_arch_sets(hw::ArchSpec& arch, const std::vector<std::string>& sets) {
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const std::string& text = sets[i];
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
      throw std::invalid_argument(fmt::format("--set '{}': expected PARAM=VALUE, e.g. noc.iact_port_bits=48 (the "
                                              "parameters: eyesim show arch)", text));
    const std::string_view path = std::string_view(text).substr(0, eq), value = std::string_view(text).substr(eq + 1);
    for (std::size_t j = 0; j < i; ++j) {
      if (std::string_view(sets[j]).substr(0, sets[j].find('=')) == path)
        throw std::invalid_argument(
            fmt::format("--set '{}' and --set '{}' both set {}: give one value", sets[j], text, path));
    }
    if (const auto problem = apply_arch_override(arch, path, value))
      throw std::invalid_argument(fmt::format("--set '{}': {}", text, *problem));
    if (const auto issue = hw::check_own_range(arch, path))
      throw std::invalid_argument(fmt::format("--set '{}': {} {}", text, issue->path, issue->message));
  }
}

}  // namespace eyesim::sweep
