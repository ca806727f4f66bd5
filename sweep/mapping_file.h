// Mapping files: force mapping factors for experiments (`eyesim run --mapping forced.toml`).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "hw/simulate.h"
#include "sweep/spec_error.h"
#include "workloads/network.h"

namespace eyesim::sweep {

/// Parses
///   [[mapping]]
///   layer = "L07"      # optional: every layer when absent
///   m0 = 16            # any of m0, c0, f0, spatial_red, spatial_m, spatial_g, spatial_pos
/// Throws SpecError with the place and key on unknown keys or non-positive values, and on entries that
/// could never apply (hw::find_override takes the first entry naming the layer or naming none): a second
/// entry for the same layer, a second entry without `layer`, an entry for a layer after one without.
/// So at most one entry applies to each layer and the order of the entries does not matter.
/// `network`: the network the file is for; when given, an entry whose `layer` names none of its layers
/// is an error too (it would silently not apply), listing the network's layers.
std::vector<hw::MappingOverride> parse_mapping_toml(std::string_view text, std::string_view source_name,
                                                    const workloads::Network* network = nullptr);
std::vector<hw::MappingOverride> load_mapping_file(const std::filesystem::path& path,
                                                   const workloads::Network* network = nullptr);

}  // namespace eyesim::sweep
