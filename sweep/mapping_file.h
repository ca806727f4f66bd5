// Mapping files: force mapping factors for experiments (`eyesim run --mapping forced.toml`).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "hw/simulate.h"
#include "sweep/spec_error.h"

namespace eyesim::sweep {

/// Parses
///   [[mapping]]
///   layer = "L07"      # optional: every layer when absent
///   m0 = 16            # any of m0, c0, f0, spatial_red, spatial_m, spatial_g, spatial_pos
/// Throws SpecError with the place and key on unknown keys or non-positive values.
std::vector<hw::MappingOverride> parse_mapping_toml(std::string_view text, std::string_view source_name);
std::vector<hw::MappingOverride> load_mapping_file(const std::filesystem::path& path);

}  // namespace eyesim::sweep
