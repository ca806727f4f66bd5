// Architecture files: a preset plus overrides by dotted name, in TOML; and the reverse (eyesim show arch).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "hw/arch_spec.h"
#include "sweep/spec_error.h"

namespace eyesim::sweep {

/// Parses an architecture description:
///   preset = "eyeriss_v2"      # optional, default eyeriss_v2
///   name = "my_chip"           # optional
///   clock_mhz = 250.0
///   [array]
///   cluster_rows = 4
/// Every other key must be a parameter of hw::for_each_param (as a table path or a dotted key).
/// Throws SpecError naming the key on unknown keys, wrong types or an unknown preset; the result
/// is not validated (callers run hw::validate and report its issues).
hw::ArchSpec parse_arch_toml(std::string_view text, std::string_view source_name);

/// Sets the parameter `path` (a hw::for_each_param name) from a TOML value, checking its type.
/// Returns false when no parameter has that name; throws SpecError at the value's place on a bad value,
/// naming the parameter `shown_prefix` + `path` (a sweep spec writes "arch." before it).
bool apply_arch_value(hw::ArchSpec& arch, std::string_view path, const toml::node& value, std::string_view file,
                      std::string_view shown_prefix = {});

/// Reads and parses a file (SpecError "file:0:0: error: cannot read ..." when it cannot be read).
hw::ArchSpec load_arch_file(const std::filesystem::path& path);

/// Every parameter of `arch` as TOML that parse_arch_toml reads back to the same spec.
std::string arch_to_toml(const hw::ArchSpec& arch);

/// A preset name, or a path to a .toml file. Throws SpecError for unknown names or bad files.
hw::ArchSpec resolve_arch(std::string_view name_or_path);

}  // namespace eyesim::sweep
