// User networks from TOML files: a list of layers with shapes and optional densities or mask files.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "sweep/input_file.h"
#include "sweep/spec_error.h"
#include "workloads/network.h"

namespace eyesim::sweep {

/// Parses a network description (format and example: workloads/README.md, workloads/data/example_network.toml).
/// Mask paths are resolved relative to `base_dir`. Throws SpecError naming the key and what was expected.
workloads::Network parse_network_toml(std::string_view text, std::string_view source_name,
                                      const std::filesystem::path& base_dir);

/// Reads and parses a network file.
workloads::Network load_network_file(const std::filesystem::path& path);

/// `net` as a network file that parse_network_toml reads back to the same layers (`eyesim show net`): every
/// shape key that differs from the parser's default for the layer's kind, the densities and patterns, and
/// mask files as absolute paths. Run under the same name, the file generates the same data.
std::string network_to_toml(const workloads::Network& net);

/// A built-in network name or a .toml file path. Throws SpecError otherwise.
workloads::Network resolve_network(std::string_view name_or_path);

/// The files `net`, resolved from `name_or_path`, is read from: the network file (a built-in has none) and
/// every layer's mask files (a built-in's too), for check_output_path.
std::vector<InputFile> network_input_files(std::string_view name_or_path, const workloads::Network& net);

/// A hash of what a network file gives a sweep: the file's bytes, and those of every mask file it names, in
/// order. What cannot be read or parsed adds nothing (its points fail anyway). Part of a sweep's spec_hash,
/// and taken again once a workload of the file is prepared: a file changed meanwhile fails its points
/// instead of mixing two versions of the network in one result file (WorkloadStore).
std::uint64_t network_file_hash(const std::filesystem::path& path);

/// Multiplies every layer's generated densities by the scales, capped at 1 (scaled_network's step).
void scale_densities(workloads::Network& n, double iact_scale, double weight_scale);

/// resolve_network with every layer's generated densities multiplied by the scales (capped at 1): the
/// network a sweep point with `workload.iact_density_scale` / `workload.weight_density_scale` runs. Layers
/// with real masks keep them (a mask cannot be rescaled).
workloads::Network scaled_network(std::string_view name_or_path, double iact_scale, double weight_scale);

}  // namespace eyesim::sweep
