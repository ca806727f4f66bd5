// Mapping file parsing.
#include "sweep/mapping_file.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "core/nearest_name.h"
#include "sweep/text_file.h"
#include "sweep/toml_place.h"

namespace eyesim::sweep {

namespace {

/// "4 layers: conv1, dw2, pw3, fc4"; "28 layers: L01, L02, L03, L04, L05, L06, L07, L08, ..., L28": every
/// name of a short network, the first eight and the last of a long one (ResNet-50 has 54).
std::vector<std::string> layer_names(const workloads::Network& net) {
  std::vector<std::string> names;
  for (const workloads::LayerSpec& l : net.layers) names.push_back(l.shape.name);
  return names;
}

std::string layer_list(const workloads::Network& net) {
  constexpr std::size_t kShown = 8;
  std::string out = fmt::format("{} layer{}: ", net.layers.size(), net.layers.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < net.layers.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += net.layers[i].shape.name;
  }
  if (net.layers.size() > kShown + 1) out += ", ...";
  if (net.layers.size() > kShown) out += ", " + net.layers.back().shape.name;
  return out;
}

}  // namespace

std::vector<hw::MappingOverride> parse_mapping_toml(std::string_view text, std::string_view file,
                                                    const workloads::Network* network) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw SpecError(file, e.source().begin.line, e.source().begin.column, e.description());
  }
  // Only [[mapping]]: a misspelt table ([[mappings]]) or a stray key was dropped without a word (helper-49).
  for (const auto& [key, value] : root)
    if (key != "mapping")
      throw SpecError(file, value.source().begin.line, value.source().begin.column,
                      fmt::format("unknown key '{}' (a mapping file holds [[mapping]] tables){}", key.str(),
                                  did_you_mean(key.str(), std::vector<std::string>{"mapping"})));
  std::vector<hw::MappingOverride> out;
  const toml::array* arr = root["mapping"].as_array();
  if (!arr) throw SpecError(file, 1, 1, "expected [[mapping]] tables");
  // The line of each layer's entry (and of the first entry without `layer`), for the errors below.
  std::map<std::string, std::uint32_t> entry_line;
  std::optional<std::uint32_t> every_layer_line;
  for (const toml::node& node : *arr) {
    const toml::table* t = node.as_table();
    if (!t) throw SpecError(file, node.source().begin.line, node.source().begin.column, "[[mapping]] entries must be tables");
    const auto& entry = node.source().begin;
    hw::MappingOverride o;
    for (const auto& [key, value] : *t) {
      const auto& where = value.source().begin;
      if (key == "layer") {
        const auto v = value.value<std::string>();
        if (!v) throw SpecError(file, where.line, where.column, "'layer' expects a layer name");
        if (v->empty())  // (an entry without `layer` applies to every layer: "" would too)
          throw SpecError(file, where.line, where.column,
                          "'layer' expects a layer name, not \"\" (leave 'layer' out for an entry of every layer)");
        o.layer = *v;
        if (network && std::none_of(network->layers.begin(), network->layers.end(),
                                    [&](const workloads::LayerSpec& l) { return l.shape.name == *v; }))
          throw SpecError(file, where.line, where.column,
                          fmt::format("the [[mapping]] entry at line {} names layer '{}', which is not a layer of "
                                      "network '{}' ({})",
                                      entry.line, *v, network->name, layer_list(*network)) +
                              did_you_mean(*v, layer_names(*network)));
        continue;
      }
      // The factor keys, one table for the lookup and the message: "layer" (above), then these.
      static constexpr std::pair<std::string_view, std::uint32_t hw::MappingOverride::*> kFactors[] = {
          {"m0", &hw::MappingOverride::m0},
          {"c0", &hw::MappingOverride::c0},
          {"f0", &hw::MappingOverride::f0},
          {"spatial_red", &hw::MappingOverride::spatial_red},
          {"spatial_m", &hw::MappingOverride::spatial_m},
          {"spatial_g", &hw::MappingOverride::spatial_g},
          {"spatial_pos", &hw::MappingOverride::spatial_pos}};
      std::uint32_t* field = nullptr;
      std::vector<std::string_view> keys = {"layer"};
      for (const auto& [name, member] : kFactors) {
        keys.push_back(name);
        if (key == name) field = &(o.*member);
      }
      if (!field)
        throw SpecError(file, where.line, where.column,
                        fmt::format("unknown mapping key '{}' (expected {}){}", key.str(), fmt::join(keys, ", "),
                                    did_you_mean(key.str(), keys)));
      const auto v = value.value_exact<std::int64_t>();
      if (!v || *v < 1 || *v > 65536)
        throw SpecError(file, where.line, where.column,
                        fmt::format("'{}' expects an integer in [1, 65536] (got {})", key.str(), value_text(value)));
      *field = static_cast<std::uint32_t>(*v);
    }
    // An entry that forces nothing leaves its layers to the mapper: a mistake, said here (it was taken, and a
    // layer that then did not fit read "the forced mapping does not fit (; the others left ...)"; helper-58).
    if (!o.m0 && !o.c0 && !o.f0 && !o.spatial_red && !o.spatial_m && !o.spatial_g && !o.spatial_pos)
      throw SpecError(file, entry.line, entry.column,
                      fmt::format("the [[mapping]] entry{} forces nothing: give at least one of m0, c0, f0, "
                                  "spatial_red, spatial_m, spatial_g, spatial_pos (or remove it)",
                                  o.layer.empty() ? std::string() : fmt::format(" for layer '{}'", o.layer)));
    // Only the first entry that names a layer, or names none, applies to it (hw::find_override): any
    // later one would be dropped without a word.
    if (o.layer.empty()) {
      if (every_layer_line)
        throw SpecError(file, entry.line, entry.column,
                        fmt::format("two [[mapping]] entries without 'layer' (lines {} and {}): each applies to every "
                                    "layer, so only the first would be used; keep one",
                                    *every_layer_line, entry.line));
      every_layer_line = entry.line;
    } else if (const auto first = entry_line.find(o.layer); first != entry_line.end()) {
      throw SpecError(file, entry.line, entry.column,
                      fmt::format("two [[mapping]] entries for layer '{}' (lines {} and {}): only the first would be "
                                  "used; keep one",
                                  o.layer, first->second, entry.line));
    } else if (every_layer_line) {
      throw SpecError(file, entry.line, entry.column,
                      fmt::format("the [[mapping]] entry for layer '{}' (line {}) would never be used: the entry "
                                  "without 'layer' at line {} comes first and applies to every layer; put the "
                                  "entries for single layers before it",
                                  o.layer, entry.line, *every_layer_line));
    } else {
      entry_line.emplace(o.layer, entry.line);
    }
    out.push_back(o);
  }
  return out;
}

std::vector<hw::MappingOverride> load_mapping_file(const std::filesystem::path& path, const workloads::Network* network) {
  return parse_mapping_toml(read_text_file(path, "mapping file"), path.string(), network);
}

}  // namespace eyesim::sweep
