// Sparse data generation, masks, determinism and the non-zero index.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <tuple>

#include "workloads/layer_data.h"
#include "workloads/mask.h"

namespace eyesim::workloads {
namespace {
Network one_layer(double iact_density, double weight_density, SparsityPattern pattern = SparsityPattern::kUniform) {
  Network n{"one", {}};
  LayerSpec l;
  l.shape = LayerShape{.name = "c", .kind = LayerKind::kConv, .c = 8, .m = 16, .h = 10, .w = 12, .r = 3, .s = 3, .pad = 1};
  l.iacts.density = iact_density;
  l.iacts.pattern = pattern;
  l.weights.density = weight_density;
  l.weights.pattern = pattern;
  n.layers.push_back(l);
  return n;
}
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("uniform sparsity gives exactly round(density x count) non-zeros") {
    for (double d : {0.0, 0.1, 0.37, 0.5, 1.0}) {
      const auto data = prepare_network(one_layer(d, d), 3);
      const auto& l = data->layers[0];
      CHECK(l.iact_nnz == static_cast<std::uint64_t>(std::llround(d * l.iacts.size())));
      CHECK(l.weight_nnz == static_cast<std::uint64_t>(std::llround(d * l.weights.size())));
    }
  }

  TEST_CASE("structured sparsity zeroes whole channels") {
    const auto data = prepare_network(one_layer(0.5, 0.5, SparsityPattern::kInputChannels), 3);
    const auto& l = data->layers[0];
    int zero_channels = 0;
    for (std::uint32_t c = 0; c < 8; ++c) {
      std::uint32_t nnz = 0;
      for (std::uint32_t y = 0; y < 10; ++y)
        for (std::uint32_t x = 0; x < 12; ++x) nnz += l.iacts.at({0, c, y, x}) != 0;
      CHECK((nnz == 0 || nnz == 120));
      zero_channels += nnz == 0;
    }
    CHECK(zero_channels == 4);
  }

  TEST_CASE("the same seed gives identical tensors and another seed different ones") {
    const auto a = prepare_network(one_layer(0.4, 0.6), 11);
    const auto b = prepare_network(one_layer(0.4, 0.6), 11);
    const auto c = prepare_network(one_layer(0.4, 0.6), 12);
    CHECK(a->layers[0].iacts == b->layers[0].iacts);
    CHECK(a->layers[0].weights == b->layers[0].weights);
    CHECK_FALSE(a->layers[0].iacts == c->layers[0].iacts);
  }

  TEST_CASE("the generated data of a seed are pinned: the generator is not changed by accident") {
    // FNV-1a over every generated tensor of three layers (uniform and both channel patterns, densities from
    // 0.13 to 1). Results of one seed stay comparable across eyesim versions only while this holds;
    // a deliberate change to the generator updates the constant and says so in its commit.
    std::uint64_t h = 1469598103934665603ULL;
    const auto mix = [&](const Tensor<std::int8_t>& t) {
      for (std::int8_t v : t.values()) h = (h ^ static_cast<std::uint8_t>(v)) * 1099511628211ULL;
    };
    for (const auto& [d_i, d_w, pattern] : {std::tuple{0.37, 0.41, SparsityPattern::kUniform},
                                           std::tuple{0.63, 0.29, SparsityPattern::kInputChannels},
                                           std::tuple{1.0, 0.13, SparsityPattern::kOutputChannels},
                                           std::tuple{0.999, 0.5, SparsityPattern::kUniform}}) {
      const auto data = prepare_network(one_layer(d_i, d_w, pattern), 5);
      mix(data->layers[0].iacts);
      mix(data->layers[0].weights);
    }
    CHECK(h == 15772055177818380535ULL);  // the same before and after select_exactly decided indices in chunks
  }

  TEST_CASE("the generated data of a seed are pinned on tensors of many draws and selection chunks") {
    // An FC layer at batch 3 (3000 iacts, 257,000 weights): dense values copied a draw at a time, values
    // handed out across selection chunks (1024 indices each), densities below and above one in 8. The
    // constant was computed with the generator as it was before NonZeroBytes::fill and the batched
    // select_exactly (83a8760), so it also proves they reproduce it.
    std::uint64_t h = 1469598103934665603ULL;
    const auto mix = [&](const Tensor<std::int8_t>& t) {
      for (std::int8_t v : t.values()) h = (h ^ static_cast<std::uint8_t>(v)) * 1099511628211ULL;
    };
    for (const auto& [d_i, d_w] : {std::pair{1.0, 0.09}, std::pair{0.61, 1.0}, std::pair{0.05, 0.35}}) {
      Network n{"big", {}};
      LayerSpec l;
      l.shape = LayerShape{.name = "fc", .kind = LayerKind::kFullyConnected, .c = 1000, .m = 257};
      l.iacts.density = d_i;
      l.weights.density = d_w;
      n.layers.push_back(l);
      const auto data = prepare_network(n, 3, 3);
      mix(data->layers[0].iacts);
      mix(data->layers[0].weights);
    }
    CHECK(h == 15782111041574852827ULL);
  }

  TEST_CASE("the real masks load with the densities of the masks README and keep their count in any order") {
    const auto net = *builtin_network("sparse_mobilenet");
    const auto data = prepare_network(net, 1);
    CHECK(data->layers[6].iact_nnz == 47716);    // L07 iacts
    CHECK(data->layers[6].weight_nnz == 2131);   // L07 weights
    CHECK(data->layers[19].iact_nnz == 8053);    // L20 iacts (depthwise)
    CHECK(data->layers[26].weight_nnz == 78606); // L27 weights
    const auto& shape = net.layers[6].shape;
    const auto raw = read_mask_file(net.layers[6].weights.mask_file);
    const auto native = mask_to_native(raw, shape, MaskTensor::kWeights, MaskOrder::kNative, "L07");
    const auto last = mask_to_native(raw, shape, MaskTensor::kWeights, MaskOrder::kChannelLast, "L07");
    std::size_t a = 0, b = 0;
    for (auto v : native) a += v;
    for (auto v : last) b += v;
    CHECK(a == b);
    // The order changes the per-output-channel balance (what a PE holding some m sees), not the count.
    std::vector<int> per_m_native(64), per_m_last(64);
    for (std::size_t m = 0; m < 64; ++m)
      for (std::size_t c = 0; c < 64; ++c) {
        per_m_native[m] += native[m * 64 + c];
        per_m_last[m] += last[m * 64 + c];
      }
    CHECK(per_m_native != per_m_last);
  }

  TEST_CASE("a bad mask file is an error naming the file and what was expected") {
    const auto dir = std::filesystem::temp_directory_path();
    const auto bad = (dir / "eyesim_bad_mask.txt").string();
    std::ofstream(bad) << "0101x1";
    CHECK_THROWS_WITH_AS(read_mask_file(bad), doctest::Contains("byte offset 4"), std::runtime_error);
    std::ofstream(bad) << "0101";
    const LayerShape l{.name = "P", .kind = LayerKind::kPointwise, .c = 2, .m = 4};
    CHECK_THROWS_WITH_AS(mask_to_native(read_mask_file(bad), l, MaskTensor::kWeights, MaskOrder::kNative, bad),
                         doctest::Contains("mask has 4 elements but layer P weights (G*M*C*R*S) need 8"),
                         std::runtime_error);
    CHECK_THROWS_WITH_AS(read_mask_file((dir / "eyesim_no_such_mask.txt").string()),
                         doctest::Contains("cannot open mask file"), std::runtime_error);
    CHECK_THROWS_WITH_AS(read_mask_file(dir.string()), doctest::Contains(": the mask file is a directory"),
                         std::runtime_error);  // (a stream error naming nothing before; found by helper-38)
    std::filesystem::remove(bad);
  }

  TEST_CASE("sparse MobileNet layers without masks get their documented proxy densities") {
    const auto data = prepare_network(*builtin_network("sparse_mobilenet"), 5);
    const auto& l03 = data->layers[2];  // pointwise, no mask
    CHECK(std::abs(double(l03.iact_nnz) / l03.iacts.size() - 0.69) < 1e-4);
    CHECK(std::abs(double(l03.weight_nnz) / l03.weights.size() - 0.60) < 2e-3);
  }

  TEST_CASE("a layer whose data do not fit in memory is named, not a bare std::bad_alloc") {
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer ends the process on an allocation above its limit instead of throwing std::bad_alloc
    // (allocator_may_return_null applies to malloc, not to a throwing operator new): what this checks cannot
    // happen under it. The Release run checks it.
    MESSAGE("not checked under AddressSanitizer, which aborts on the allocation");
    return;
#endif
    // One image within validate()'s bound, but a batch of 2^24 of them asks for 2^54 bytes: more than
    // any address space, so the allocation fails at once, before anything is touched.
    Network n{"huge", {}};
    LayerSpec l;
    l.shape = LayerShape{.name = "wide", .kind = LayerKind::kPointwise, .c = 1024, .m = 1, .h = 1024, .w = 1024};
    n.layers.push_back(l);
    CHECK_THROWS_WITH_AS(prepare_network(n, 1, 1u << 24),
                         doctest::Contains("layer 'wide' of network 'huge': its data do not fit in memory "
                                           "(18014398509481984 input activations and 1024 weights of a byte each at batch 16777216"),
                         std::runtime_error);
  }

  TEST_CASE("the non-zero index counts weight-column and input-row non-zeros like the dense tensor") {
    const auto data = prepare_network(one_layer(0.45, 0.35), 9);
    const auto& ld = data->layers[0];
    const auto& l = ld.shape();
    for (std::uint32_t c = 0; c < l.c; ++c)
      for (std::uint32_t r = 0; r < l.r; ++r)
        for (std::uint32_t s = 0; s < l.s; ++s) {
          std::uint32_t count = 0;
          for (std::uint32_t m = 3; m < 11; ++m) count += ld.weights.at({0, m, c, r, s}) != 0;
          CHECK(ld.index.weight_nnz(ld.index.weight_column(0, c, r, s), 3, 11) == count);
        }
    for (std::uint32_t c = 0; c < l.c; ++c)
      for (std::uint32_t y = 0; y < l.h; ++y) {
        std::uint32_t count = 0;
        for (std::uint32_t x = 2; x < 9; ++x) count += ld.iacts.at({0, c, y, x}) != 0;
        CHECK(ld.index.iact_nnz(ld.index.iact_row(0, c, y), 2, 9) == count);
      }
  }
}
}  // namespace eyesim::workloads
