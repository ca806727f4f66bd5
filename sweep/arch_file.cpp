// Architecture TOML: parsing with exact error places, and printing through the one parameter list.
#include "sweep/arch_file.h"

#include <algorithm>
#include <map>
#include <type_traits>

#include <toml++/toml.h>

#include "sweep/text_file.h"
#include "sweep/toml_place.h"
#include "sweep/toml_text.h"

#include "core/nearest_name.h"
#include "hw/presets.h"

namespace eyesim::sweep {
namespace {

std::string preset_list() {
  std::string s;
  for (const auto& n : hw::preset_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

bool apply_arch_value(hw::ArchSpec& arch, std::string_view path, const toml::node& value, std::string_view file,
                      std::string_view shown_prefix) {
  const std::string shown = fmt::format("{}{}", shown_prefix, path);  // the name as the file writes it
  bool found = false;
  hw::for_each_param(arch, [&](std::string_view name, auto& field) {
    if (name != path) return;
    found = true;
    using T = std::remove_cvref_t<decltype(field)>;
    if constexpr (std::is_same_v<T, bool>) {
      if (!value.is_boolean())
        fail(file, value.source(), fmt::format("'{}' expects true or false (got {})", shown, value_text(value)));
      field = *value.value<bool>();
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
      const auto v = value.value_exact<std::int64_t>();
      if (!v || *v < 0 || *v > 0xffffffffLL)
        fail(file, value.source(),
             fmt::format("'{}' expects a non-negative integer below 2^32 (got {})", shown, value_text(value)));
      field = static_cast<std::uint32_t>(*v);
    } else if constexpr (std::is_same_v<T, double>) {
      if (!value.is_number()) fail(file, value.source(), fmt::format("'{}' expects a number (got {})", shown, value_text(value)));
      field = *number_value(value);
    } else {
      const auto text = value.value<std::string>();
      if (!text || !hw::parse_enum(*text, field)) {
        fail(file, value.source(),
             fmt::format("'{}' expects one of {} (got {})", shown,
                         std::is_same_v<T, hw::PeKind> ? "\"sparse\", \"dense\"" : "\"hierarchical_mesh\", \"flat_multicast\"",
                         value_text(value)));
      }
    }
  });
  return found;
}

namespace {

/// `seen` is where each parameter was set: a quoted dotted key ("array.pe_rows" = 2) and a table or
/// dotted key (array.pe_rows = 4) are two TOML keys but one parameter, and only one could take effect.
void apply_table(hw::ArchSpec& arch, const toml::table& table, const std::string& prefix, std::string_view file,
                 std::map<std::string, const toml::node*>& seen) {
  for (const auto& [key, value] : table) {
    const std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (prefix.empty() && (key == "preset" || key == "name")) continue;
    if (const toml::table* sub = value.as_table()) {
      // A parameter written as a table (clock_mhz = {}, [array.pe_rows]) set nothing, and an empty table of
      // no parameter was accepted: both silently kept the preset's values (found by helper-49).
      const std::vector<std::string_view> names = hw::param_names();
      if (std::find(names.begin(), names.end(), path) != names.end())
        fail(file, value.source(), fmt::format("'{}' expects a value, not a table", path));
      if (sub->empty()) {
        const std::string section_prefix = path + ".";
        const bool section =
            std::any_of(names.begin(), names.end(), [&](std::string_view n) { return n.starts_with(section_prefix); });
        if (!section) {
          std::vector<std::string> sections;  // the parameters' tables, for the suggestion
          for (std::string_view n : names)
            if (const auto dot = n.rfind('.'); dot != std::string_view::npos) sections.emplace_back(n.substr(0, dot));
          fail(file, value.source(), fmt::format("unknown architecture section '{}' (see 'eyesim show arch eyeriss_v2'){}",
                                                 path, did_you_mean(path, sections)));
        }
      }
      apply_table(arch, *sub, path, file, seen);
      continue;
    }
    if (const auto [it, fresh] = seen.emplace(path, &value); !fresh) fail_set_twice(file, path, *it->second, value);
    if (!apply_arch_value(arch, path, value, file)) {
      fail(file, value.source(), fmt::format("unknown architecture parameter '{}' (see 'eyesim show arch eyeriss_v2'){}",
                                             path, did_you_mean(path, hw::param_names())));
    }
  }
}

}  // namespace

hw::ArchSpec parse_arch_toml(std::string_view text, std::string_view file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    fail(file, e.source(), e.description());
  }
  std::string preset = "eyeriss_v2";
  if (const toml::node* p = root.get("preset")) {
    const auto v = p->value<std::string>();
    if (!v) fail(file, p->source(), "'preset' expects a string");
    preset = *v;
    if (!hw::preset(preset))
      fail(file, p->source(), fmt::format("unknown preset '{}' (expected one of: {}){}", preset, preset_list(),
                                          did_you_mean(preset, hw::preset_names())));
  }
  hw::ArchSpec arch = *hw::preset(preset);
  if (const toml::node* n = root.get("name")) {
    const auto v = n->value<std::string>();
    if (!v) fail(file, n->source(), "'name' expects a string");
    if (v->find('\0') != std::string::npos)  // (C and HDF5's fixed-length strings end a name there; helper-58)
      fail(file, n->source(), "'name' must not hold a NUL character (\\u0000)");
    arch.name = *v;
  }
  std::map<std::string, const toml::node*> seen;
  apply_table(arch, root, "", file, seen);
  return arch;
}

hw::ArchSpec load_arch_file(const std::filesystem::path& path) {
  return parse_arch_toml(read_text_file(path, "architecture file"), path.string());
}

hw::ArchSpec resolve_arch(std::string_view name_or_path) {
  if (auto p = hw::preset(name_or_path)) return *p;
  if (name_or_path.ends_with(".toml")) return load_arch_file(std::filesystem::path(name_or_path));
  throw SpecError(name_or_path, 0, 0,
                  fmt::format("not a preset ({}) nor a .toml architecture file{}", preset_list(),
                              did_you_mean(name_or_path, hw::preset_names())));
}

std::string arch_to_toml(const hw::ArchSpec& arch) {
  // config_hash() hashes this text: an ordinary name prints as it always has (toml_escape leaves it as it is),
  // so a point's hash stays the same across versions.
  std::string out = fmt::format("# eyesim architecture '{}': every parameter (units in the names; docs/calibration.md)\n",
                                toml_escape(arch.name));
  out += fmt::format("name = {}\n", toml_string(arch.name));
  std::string section;
  hw::for_each_param(arch, [&](std::string_view path, const auto& v) {
    const auto dot = path.find('.');
    const std::string sec = dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
    const std::string key = std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
    if (sec != section) {
      out += fmt::format("\n[{}]\n", sec);
      section = sec;
    }
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_same_v<T, bool>) {
      out += fmt::format("{} = {}\n", key, v ? "true" : "false");
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
      out += fmt::format("{} = {}\n", key, v);
    } else if constexpr (std::is_same_v<T, double>) {
      out += fmt::format("{} = {}\n", key, toml_float(v));
    } else {
      out += fmt::format("{} = \"{}\"\n", key, hw::to_string(v));
    }
  });
  return out;
}

}  // namespace eyesim::sweep
