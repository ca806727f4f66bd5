// Mapping file parsing.
#include "sweep/mapping_file.h"


#include <toml++/toml.h>

#include "sweep/text_file.h"

namespace eyesim::sweep {

std::vector<hw::MappingOverride> parse_mapping_toml(std::string_view text, std::string_view file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw SpecError(file, e.source().begin.line, e.source().begin.column, e.description());
  }
  std::vector<hw::MappingOverride> out;
  const toml::array* arr = root["mapping"].as_array();
  if (!arr) throw SpecError(file, 1, 1, "expected [[mapping]] tables");
  for (const toml::node& node : *arr) {
    const toml::table* t = node.as_table();
    if (!t) throw SpecError(file, node.source().begin.line, node.source().begin.column, "[[mapping]] entries must be tables");
    hw::MappingOverride o;
    for (const auto& [key, value] : *t) {
      const auto& where = value.source().begin;
      if (key == "layer") {
        const auto v = value.value<std::string>();
        if (!v) throw SpecError(file, where.line, where.column, "'layer' expects a layer name");
        o.layer = *v;
        continue;
      }
      std::uint32_t* field = key == "m0" ? &o.m0 : key == "c0" ? &o.c0 : key == "f0" ? &o.f0
                           : key == "spatial_red" ? &o.spatial_red : key == "spatial_m" ? &o.spatial_m
                           : key == "spatial_g" ? &o.spatial_g : key == "spatial_pos" ? &o.spatial_pos : nullptr;
      if (!field)
        throw SpecError(file, where.line, where.column,
                        fmt::format("unknown mapping key '{}' (expected layer, m0, c0, f0, spatial_red, spatial_m, "
                                    "spatial_g, spatial_pos)", key.str()));
      const auto v = value.value_exact<std::int64_t>();
      if (!v || *v < 1 || *v > 65536)
        throw SpecError(file, where.line, where.column, fmt::format("'{}' expects an integer in [1, 65536]", key.str()));
      *field = static_cast<std::uint32_t>(*v);
    }
    out.push_back(o);
  }
  return out;
}

std::vector<hw::MappingOverride> load_mapping_file(const std::filesystem::path& path) {
  return parse_mapping_toml(read_text_file(path, "mapping file"), path.string());
}

}  // namespace eyesim::sweep
