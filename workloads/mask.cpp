// Mask files: reading and re-ordering into eyesim's layouts.
#include "workloads/mask.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

namespace eyesim::workloads {

std::vector<std::uint8_t> read_mask_file(const std::string& path) {
  // A directory opens as a stream whose first read throws "basic_filebuf::underflow", naming nothing.
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    throw MaskError(fmt::format("{}: the mask file is a directory", path));
  // (A pipe would wait for a writer for ever, a device be read without end.)
  if (std::error_code ec; std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw MaskError(fmt::format("{}: the mask file is not a regular file (a device, pipe or socket)", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MaskError(fmt::format("{}: cannot open mask file", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::uint8_t> bits;
  bits.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '0' || ch == '1') {
      bits.push_back(static_cast<std::uint8_t>(ch - '0'));
    } else if (ch != '\n' && ch != '\r' && ch != ' ' && ch != '\t') {
      throw MaskError(
          fmt::format("{}: byte offset {}: expected '0' or '1' in a mask file (got {})", path, i,
                      std::isprint(static_cast<unsigned char>(ch)) ? fmt::format("'{}'", ch)
                                                                   : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(ch))));
    }
  }
  return bits;
}

std::vector<std::uint8_t> mask_to_native(const std::vector<std::uint8_t>& mask, const LayerShape& l, MaskTensor tensor,
                                         MaskOrder order, const std::string& file) {
  const std::size_t channels = std::size_t{l.g} * l.c;
  const std::size_t expected = tensor == MaskTensor::kIacts ? channels * l.h * l.w : l.weight_count();
  if (mask.size() != expected) {
    throw MaskError(fmt::format("{}: mask has {} elements but layer {} {} need {}", file, mask.size(), l.name,
                                         tensor == MaskTensor::kIacts ? "iacts (G*C*H*W)" : "weights (G*M*C*R*S)",
                                         expected));
  }
  if (order == MaskOrder::kNative) return mask;
  std::vector<std::uint8_t> out(expected);
  if (tensor == MaskTensor::kIacts) {  // stored [H][W][G*C]
    for (std::size_t ch = 0; ch < channels; ++ch)
      for (std::size_t y = 0; y < l.h; ++y)
        for (std::size_t x = 0; x < l.w; ++x) out[(ch * l.h + y) * l.w + x] = mask[(y * l.w + x) * channels + ch];
  } else {  // stored [R][S][G*C][M]
    for (std::size_t g = 0; g < l.g; ++g)
      for (std::size_t m = 0; m < l.m; ++m)
        for (std::size_t c = 0; c < l.c; ++c)
          for (std::size_t r = 0; r < l.r; ++r)
            for (std::size_t s = 0; s < l.s; ++s) {
              const std::size_t native = (((g * l.m + m) * l.c + c) * l.r + r) * l.s + s;
              const std::size_t stored = ((r * l.s + s) * channels + g * l.c + c) * l.m + m;
              out[native] = mask[stored];
            }
  }
  return out;
}

}  // namespace eyesim::workloads
