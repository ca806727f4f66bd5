// Real non-zero masks: '0'/'1' text files (workloads/data/masks) mapped onto eyesim's tensor layouts.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/layer_shape.h"
#include "workloads/network.h"

namespace eyesim::workloads {

/// A mask file that cannot be read or does not fit its layer: the input's fault (eyesim run exits 2), not
/// the run's.
class MaskError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Which operand a mask describes.
enum class MaskTensor : std::uint8_t { kIacts, kWeights };

/// Reads a mask file: one '0' or '1' per element (whitespace ignored). Throws MaskError naming
/// the file and the offset of the first bad character, or the file when it cannot be read.
std::vector<std::uint8_t> read_mask_file(const std::string& path);

/// Maps a mask of one image (iacts) or of the weights onto eyesim's row-major layout
/// (iacts [G*C][H][W], weights [G][M][C][R][S]). Throws MaskError with the file name, the
/// expected and the actual length when they differ.
std::vector<std::uint8_t> mask_to_native(const std::vector<std::uint8_t>& mask, const LayerShape& shape,
                                         MaskTensor tensor, MaskOrder order, const std::string& file);

}  // namespace eyesim::workloads
