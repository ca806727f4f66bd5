// Deterministic generation of sparse operands and the per-network preparation.
#include "workloads/layer_data.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <new>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "core/check.h"
#include "core/rng.h"
#include "workloads/mask.h"
#include "workloads/selection_sampling.h"

namespace eyesim::workloads {
namespace {

/// A source of non-zero int8 values: 8 values per 64-bit draw, zero bytes rejected (unbiased).
class NonZeroBytes {
 public:
  explicit NonZeroBytes(std::uint64_t seed) : rng_(seed) {}
  /// Writes the next out.size() values: exactly what as many next() would give, with a draw's 8 bytes
  /// copied at once when none is zero (97 % of draws). The state is worked on in locals: a store through
  /// the int8 `out` may alias anything, and kept the generator's state in memory (AlexNet's dense weights,
  /// BM_PrepareNetwork/alexnet: 101 -> 55 ms with both).
  void fill(std::span<std::int8_t> out) {
    std::size_t i = 0;
    for (; i < out.size() && left_ > 0; ++i) out[i] = next();  // the rest of a draw begun before
    if constexpr (std::endian::native == std::endian::little) {  // a draw's low byte first, as next() takes it
      constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
      Rng rng = rng_;
      std::int8_t* const to = out.data();
      const std::size_t size = out.size();
      while (size - i >= 8) {
        const std::uint64_t word = rng.next();
        if (((word - kOnes) & ~word & kHighs) == 0) {  // no zero byte
          std::memcpy(to + i, &word, 8);
          i += 8;
          continue;
        }
        // Every byte is written and only a non-zero one kept: at most 8 writes, and 8 slots are left.
        for (int b = 0; b < 8; ++b) {
          const auto byte = static_cast<std::uint8_t>(word >> (8 * b));
          to[i] = static_cast<std::int8_t>(byte);
          i += byte != 0;
        }
      }
      rng_ = rng;
    }
    for (; i < out.size(); ++i) out[i] = next();
  }
  std::int8_t next() {
    for (;;) {
      if (left_ == 0) {
        word_ = rng_.next();
        left_ = 8;
      }
      const auto b = static_cast<std::uint8_t>(word_);
      word_ >>= 8;
      --left_;
      if (b != 0) return static_cast<std::int8_t>(b);
    }
  }

 private:
  Rng rng_;
  std::uint64_t word_ = 0;
  int left_ = 0;
};

std::uint64_t iact_channel(std::uint64_t offset, const LayerShape& l) {
  return (offset / (std::uint64_t{l.h} * l.w)) % (std::uint64_t{l.g} * l.c);
}
std::uint64_t weight_out_channel(std::uint64_t offset, const LayerShape& l) {
  return offset / (std::uint64_t{l.c} * l.r * l.s);  // g * M + m
}
std::uint64_t weight_in_channel(std::uint64_t offset, const LayerShape& l) {
  const std::uint64_t c = (offset / (std::uint64_t{l.r} * l.s)) % l.c;
  const std::uint64_t g = offset / (std::uint64_t{l.m} * l.c * l.r * l.s);
  return g * l.c + c;
}

/// Fills `out` with the real non-zero pattern of a mask file and generated values; every image of a
/// batch gets the same pattern (the mask describes one image or the weights).
void apply_mask(Tensor<std::int8_t>& out, const DensitySpec& d, const LayerShape& l, MaskTensor tensor,
                std::uint64_t seed) {
  const auto mask = mask_to_native(read_mask_file(d.mask_file), l, tensor, d.mask_order, d.mask_file);
  NonZeroBytes values(seed);
  auto span = out.values();
  for (std::size_t copy = 0; copy < span.size() / mask.size(); ++copy)
    for (std::size_t j = 0; j < mask.size(); ++j) span[copy * mask.size() + j] = mask[j] ? values.next() : 0;
}

std::uint64_t count_nonzero(const Tensor<std::int8_t>& t) {
  std::uint64_t n = 0;
  for (std::int8_t v : t.values()) n += v != 0;
  return n;
}

}  // namespace

void generate_tensor(Tensor<std::int8_t>& out, const DensitySpec& d, std::uint64_t rng_seed, std::uint32_t channels,
                     std::uint64_t (*channel_of)(std::uint64_t, const LayerShape&), const LayerShape& shape) {
  if (!(d.density >= 0.0 && d.density <= 1.0))
    throw std::invalid_argument(fmt::format("{}: density must be in [0, 1] (got {})", shape.name, d.density));
  Rng rng(rng_seed);
  NonZeroBytes values(derive_seed(rng_seed, 1));
  auto span = out.values();
  std::fill(span.begin(), span.end(), std::int8_t{0});
  if (d.pattern == SparsityPattern::kUniform || channels == 0) {
    const auto k = static_cast<std::uint64_t>(std::llround(d.density * static_cast<double>(span.size())));
    if (k == span.size()) {
      values.fill(span);
    } else {
      std::int8_t picked[kSelectChunk];
      select_exactly(span.size(), k, rng, [&](std::span<const std::uint64_t> at) {
        values.fill({picked, at.size()});
        for (std::size_t j = 0; j < at.size(); ++j) span[at[j]] = picked[j];
      });
    }
    return;
  }
  std::vector<std::uint8_t> kept(channels, 0);
  const auto k = static_cast<std::uint64_t>(std::llround(d.density * channels));
  select_exactly(channels, k, rng, [&](std::span<const std::uint64_t> at) {
    for (const std::uint64_t i : at) kept[i] = 1;
  });
  for (std::uint64_t i = 0; i < span.size(); ++i) {
    if (kept[channel_of(i, shape)]) span[i] = values.next();
  }
}

namespace {

/// Generates one layer's operands and their non-zero index into `ld`.
void prepare_layer(LayerData& ld, const LayerSpec& spec, std::uint64_t net_seed, std::size_t index) {
  const LayerShape& l = spec.shape;
  ld.iacts = Tensor<std::int8_t>({l.n, l.g * l.c, l.h, l.w});
  ld.weights = Tensor<std::int8_t>({l.g, l.m, l.c, l.r, l.s});
  const std::uint64_t iact_seed = Rng(net_seed, index, "iacts").next();
  const std::uint64_t weight_seed = Rng(net_seed, index, "weights").next();

  if (!spec.iacts.mask_file.empty()) {
    apply_mask(ld.iacts, spec.iacts, l, MaskTensor::kIacts, iact_seed);
  } else {
    const std::uint32_t channels = spec.iacts.pattern == SparsityPattern::kOutputChannels ? 0 : l.g * l.c;
    generate_tensor(ld.iacts, spec.iacts, iact_seed, channels, &iact_channel, l);
  }
  if (!spec.weights.mask_file.empty()) {
    apply_mask(ld.weights, spec.weights, l, MaskTensor::kWeights, weight_seed);
  } else {
    const bool by_output = spec.weights.pattern == SparsityPattern::kOutputChannels;
    generate_tensor(ld.weights, spec.weights, weight_seed, by_output ? l.g * l.m : l.g * l.c,
                    by_output ? &weight_out_channel : &weight_in_channel, l);
  }
  ld.iact_nnz = count_nonzero(ld.iacts);
  ld.weight_nnz = count_nonzero(ld.weights);
  ld.index = NonZeroIndex(l, ld.iacts, ld.weights);
}

}  // namespace

std::shared_ptr<const NetworkData> prepare_network(const Network& network, std::uint64_t seed, std::uint32_t batch,
                                                   const IndexLoop& layers) {
  if (batch == 0) throw std::invalid_argument("batch must be >= 1 (got 0)");
  auto data = std::make_shared<NetworkData>();
  data->network = network;
  data->seed = seed;
  data->batch = batch;
  const std::uint64_t net_seed = derive_seed(seed, hash_name(network.name));
  data->layers.resize(network.layers.size());
  for_each_index(layers, network.layers.size(), [&](std::size_t i) {
    LayerSpec& spec = data->network.layers[i];
    spec.shape.n = batch;
    const LayerShape& l = spec.shape;
    if (const auto issues = validate(l); !issues.empty()) throw std::invalid_argument(issues.front());
    LayerData& ld = data->layers[i];
    ld.spec = &spec;
    try {
      prepare_layer(ld, spec, net_seed, i);
    } catch (const std::bad_alloc&) {
      // validate() bounds one image's operands; a batch of them, or their non-zero index, may still
      // not fit, and "std::bad_alloc" alone would not say which layer asked for how much.
      throw std::runtime_error(fmt::format("layer '{}' of network '{}': its data do not fit in memory ({} input "
                                           "activations and {} weights of a byte each at batch {}, plus the index of "
                                           "their non-zeros)",
                                           l.name, network.name, l.iact_count(), l.weight_count(), batch));
    }
  });
  return data;
}

}  // namespace eyesim::workloads
