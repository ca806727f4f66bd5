// LayerData / NetworkData: the operands of every layer, generated once per (network, seed, batch) and
// shared read-only by every configuration simulated on them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/index_loop.h"
#include "workloads/network.h"
#include "workloads/nonzero_index.h"
#include "workloads/tensor.h"

namespace eyesim::workloads {

struct LayerData {
  const LayerSpec* spec = nullptr;  ///< points into NetworkData::network
  Tensor<std::int8_t> iacts;        ///< {N, G*C, H, W}, unpadded
  Tensor<std::int8_t> weights;      ///< {G, M, C, R, S}
  std::uint64_t iact_nnz = 0;
  std::uint64_t weight_nnz = 0;
  NonZeroIndex index;
  const LayerShape& shape() const { return spec->shape; }
};

struct NetworkData {
  Network network;  ///< with every layer's batch set to the prepared batch
  std::uint64_t seed = 0;
  std::uint32_t batch = 1;
  std::vector<LayerData> layers;
};

/// Fills `out` deterministically from `rng_seed` following `density` (uniform: exactly
/// round(density x size) non-zeros; channel patterns: whole channels zero, `channel_of` maps an element
/// offset to its channel). Non-zero values are uniform over the 255 non-zero int8 values.
void generate_tensor(Tensor<std::int8_t>& out, const DensitySpec& density, std::uint64_t rng_seed,
                     std::uint32_t channels, std::uint64_t (*channel_of)(std::uint64_t offset, const LayerShape&),
                     const LayerShape& shape);

/// Generates every layer from (seed, network name, layer index, operand). Real masks are read from
/// their files (each image of a batch gets the same iact mask, with its own values). Throws
/// std::runtime_error naming the file on a bad mask, std::invalid_argument on an invalid layer: the first
/// layer's error in network order. The layers are generated through `layers` (each from its own seed, so
/// the data do not depend on the loop); several threads need the memory of the layers they hold at once.
std::shared_ptr<const NetworkData> prepare_network(const Network& network, std::uint64_t seed, std::uint32_t batch = 1,
                                                   const IndexLoop& layers = serial_loop);

}  // namespace eyesim::workloads
