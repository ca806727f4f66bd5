// apply_arch_override: text -> typed ArchSpec parameter, through the one parameter list.
#include "sweep/arch_override.h"

#include <charconv>
#include <cstdint>
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
      if (ec != std::errc{} || end != value.data() + value.size()) problem = fmt::format("expected a non-negative integer (got '{}')", value);
      else field = v;
    } else if constexpr (std::is_same_v<T, double>) {
      double v = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc{} || end != value.data() + value.size()) problem = fmt::format("expected a number (got '{}')", value);
      else field = v;
    } else {
      if (!hw::parse_enum(value, field)) {
        const std::vector<std::string_view> names = std::is_same_v<T, hw::PeKind>
                                                        ? std::vector<std::string_view>{"sparse", "dense"}
                                                        : std::vector<std::string_view>{"hierarchical_mesh", "flat_multicast"};
        problem = fmt::format("expected {} or {} (got '{}'){}", names[0], names[1], value, did_you_mean(value, names));
      }
    }
  });
  if (!found) return fmt::format("unknown architecture parameter '{}'{}", path, did_you_mean(path, hw::param_names()));
  return problem;
}

}  // namespace eyesim::sweep
