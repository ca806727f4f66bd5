// Network: an ordered list of layers with the sparsity of their operands; the built-in networks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/layer_shape.h"

namespace eyesim::workloads {

/// How the zeros of a generated tensor are placed.
enum class SparsityPattern : std::uint8_t {
  kUniform,         ///< exactly round(density x count) non-zeros at uniformly random positions
  kOutputChannels,  ///< whole output channels (weights: whole m) are zero
  kInputChannels,   ///< whole input channels (iacts and weights: whole c) are zero
};

std::string_view to_string(SparsityPattern);
bool parse_sparsity_pattern(std::string_view text, SparsityPattern& out);

/// The flattening order of a mask file relative to eyesim's tensor layouts (the masks README says
/// the source does not document it, so it is a parameter).
enum class MaskOrder : std::uint8_t {
  kNative,       ///< iacts [C][H][W], weights [M][C][R][S] per group: eyesim's own row-major layout
  kChannelLast,  ///< iacts [H][W][C], weights [R][S][C][M]: channels innermost (Timeloop's R,S,..,C,M listing)
};

struct DensitySpec {
  double density = 1.0;  ///< fraction of non-zeros in [0, 1]
  SparsityPattern pattern = SparsityPattern::kUniform;
  std::string mask_file;  ///< set: a '0'/'1' mask file; overrides density and pattern
  MaskOrder mask_order = MaskOrder::kNative;
  friend bool operator==(const DensitySpec&, const DensitySpec&) = default;
};

struct LayerSpec {
  LayerShape shape;
  DensitySpec iacts;
  DensitySpec weights;
  friend bool operator==(const LayerSpec&, const LayerSpec&) = default;
};

struct Network {
  std::string name;
  std::vector<LayerSpec> layers;
  std::uint64_t macs() const;
};

/// Built-in names in a stable order: alexnet, sparse_alexnet, mobilenet, sparse_mobilenet,
/// mobilenet_1_0_224, vgg16, resnet50.
std::vector<std::string> builtin_network_names();

/// nullopt for an unknown name. `data_dir` holds the real masks (masks/Lxx_*.txt); empty means the
/// directory compiled in (EYESIM_DATA_DIR).
std::optional<Network> builtin_network(std::string_view name, std::string_view data_dir = {});

/// One line per built-in network for `eyesim list nets`.
std::string_view builtin_network_description(std::string_view name);

/// The directory of the data files shipped with eyesim (workloads/data).
std::string default_data_dir();

}  // namespace eyesim::workloads
