// Deterministic generation of sparse operands and the per-network preparation.
#include "workloads/layer_data.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

#include "core/check.h"
#include "core/rng.h"
#include "workloads/mask.h"

namespace eyesim::workloads {
namespace {

/// A source of non-zero int8 values: 8 values per 64-bit draw, zero bytes rejected (unbiased).
class NonZeroBytes {
 public:
  explicit NonZeroBytes(Rng& rng) : rng_(rng) {}
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
  Rng& rng_;
  std::uint64_t word_ = 0;
  int left_ = 0;
};

/// Knuth's selection sampling (Algorithm S): calls keep(i) for exactly `k` of the `n` indices, each
/// k-subset equally likely, in increasing order. One 32-bit draw per index while fewer are needed than
/// remain (then every remaining index is kept without a draw); `rng` must serve this selection only. The
/// indices are decided in chunks without a branch on the draw (each index is written, and the count
/// advanced by the comparison), then handed to keep(): with a branch per index the loop mispredicted
/// about half the time (BM_PrepareNetwork/sparse_alexnet 314 -> 267 ms).
template <class Keep>
void select_exactly(std::uint64_t n, std::uint64_t k, Rng& rng, Keep&& keep) {
  EYESIM_CHECK(k <= n, "selecting {} of {} indices", k, n);
  constexpr std::size_t kChunk = 1024;
  std::uint64_t chosen_at[kChunk];
  std::uint64_t chosen = 0, i = 0;
  std::uint64_t word = 0;
  bool have_half = false;
  while (chosen < k && k - chosen < n - i) {
    // The slack (indices left - indices needed) shrinks by one per index not taken, so this many indices
    // can be decided before it can reach zero. Once all k are chosen no index is taken (the draws after
    // that are not used: `rng` serves this selection only).
    const std::uint64_t steps = std::min<std::uint64_t>(kChunk, (n - i) - (k - chosen));
    std::size_t count = 0;
    for (std::uint64_t t = 0; t < steps; ++t, ++i) {
      if (!have_half) word = rng.next();
      const std::uint64_t r32 = have_half ? (word >> 32) : (word & 0xffffffffULL);
      have_half = !have_half;
      // P = needed / remaining, to 32-bit resolution
      const bool take = r32 * (n - i) < ((k - chosen) << 32);
      chosen_at[count] = i;
      count += take;
      chosen += take;
    }
    for (std::size_t j = 0; j < count; ++j) keep(chosen_at[j]);
  }
  for (; chosen < k; ++i, ++chosen) keep(i);  // as many left as needed: all of them
}

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
  Rng value_rng(seed);
  NonZeroBytes values(value_rng);
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
  Rng value_rng(derive_seed(rng_seed, 1));
  NonZeroBytes values(value_rng);
  auto span = out.values();
  std::fill(span.begin(), span.end(), std::int8_t{0});
  if (d.pattern == SparsityPattern::kUniform || channels == 0) {
    const auto k = static_cast<std::uint64_t>(std::llround(d.density * static_cast<double>(span.size())));
    if (k == span.size()) {
      for (auto& v : span) v = values.next();
    } else {
      select_exactly(span.size(), k, rng, [&](std::uint64_t i) { span[i] = values.next(); });
    }
    return;
  }
  std::vector<std::uint8_t> kept(channels, 0);
  const auto k = static_cast<std::uint64_t>(std::llround(d.density * channels));
  select_exactly(channels, k, rng, [&](std::uint64_t i) { kept[i] = 1; });
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

std::shared_ptr<const NetworkData> prepare_network(const Network& network, std::uint64_t seed, std::uint32_t batch) {
  if (batch == 0) throw std::invalid_argument("batch must be >= 1 (got 0)");
  auto data = std::make_shared<NetworkData>();
  data->network = network;
  data->seed = seed;
  data->batch = batch;
  const std::uint64_t net_seed = derive_seed(seed, hash_name(network.name));
  data->layers.resize(network.layers.size());
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
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
  }
  return data;
}

}  // namespace eyesim::workloads
