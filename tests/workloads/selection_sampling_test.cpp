// select_exactly: exactly k increasing indices in bounded batches, equally likely, whichever product width.
#include <doctest/doctest.h>

#include <vector>

#include "workloads/selection_sampling.h"

namespace eyesim::workloads {
namespace {

/// The indices select_exactly_as<Product> picks, checking each batch's bound on the way.
template <class Product>
std::vector<std::uint64_t> picks(std::uint64_t n, std::uint64_t k, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::uint64_t> out;
  auto keep = [&](std::span<const std::uint64_t> at) {
    CHECK(at.size() <= kSelectChunk);
    out.insert(out.end(), at.begin(), at.end());
  };
  select_exactly_as<Product>(n, k, rng, keep);
  return out;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("select_exactly keeps exactly k distinct indices below n, in increasing order") {
    Rng params(17);
    for (int t = 0; t < 300; ++t) {
      const std::uint64_t n = t < 4 ? std::uint64_t(t) : 1 + params.below(t % 3 == 0 ? 5000 : 60);
      const std::uint64_t k = t % 7 == 0 ? n : t % 11 == 0 ? 0 : params.below(n + 1);
      CAPTURE(n);
      CAPTURE(k);
      std::vector<std::uint64_t> got;
      Rng rng(params.next());
      select_exactly(n, k, rng, [&](std::span<const std::uint64_t> at) { got.insert(got.end(), at.begin(), at.end()); });
      REQUIRE(got.size() == k);
      for (std::size_t j = 0; j < got.size(); ++j) {
        CHECK(got[j] < n);
        if (j > 0) CHECK(got[j - 1] < got[j]);
      }
    }
  }

  TEST_CASE("the 128-bit product gives the 64-bit product's selection wherever both hold") {
    // Large tensors (more than 2^32 values at a large batch) take the 128-bit form; it must be the same
    // sampling, not another one.
    Rng params(5);
    for (int t = 0; t < 200; ++t) {
      const std::uint64_t n = 1 + params.below(t % 2 ? 3000 : 50);
      const std::uint64_t k = params.below(n + 1);
      const std::uint64_t seed = params.next();
      CAPTURE(n);
      CAPTURE(k);
      __extension__ using u128 = unsigned __int128;
      CHECK(picks<std::uint64_t>(n, k, seed) == picks<u128>(n, k, seed));
    }
  }

  TEST_CASE("every index is kept equally often: k/n of the draws") {
    // 3 of 10, 40,000 seeds: each index is expected 12,000 times, standard deviation about 92. A wrong
    // probability (say needed / remaining off by one index) moves the first and last indices by thousands.
    constexpr std::uint64_t kN = 10, kK = 3, kRuns = 40000;
    std::vector<std::uint64_t> kept(kN, 0);
    for (std::uint64_t seed = 0; seed < kRuns; ++seed)
      for (const std::uint64_t i : picks<std::uint64_t>(kN, kK, seed)) ++kept[i];
    for (std::uint64_t i = 0; i < kN; ++i) {
      CAPTURE(i);
      CHECK(kept[i] > 12000 - 500);
      CHECK(kept[i] < 12000 + 500);
    }
  }
}

}  // namespace eyesim::workloads
