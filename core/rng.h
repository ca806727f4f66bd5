// Deterministic random numbers: SplitMix64 for seeding, xoshiro256** for streams. No global state.
#pragma once

#include <cstdint>
#include <string_view>

namespace eyesim {

/// One SplitMix64 step: a bijective 64-bit mixer (Steele, Lea, Flood 2014).
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// FNV-1a of a name, for deriving a stream seed from a readable stream name.
constexpr std::uint64_t hash_name(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// Combines seeds order-sensitively: derive_seed(a, b) != derive_seed(b, a) in general.
constexpr std::uint64_t derive_seed(std::uint64_t a, std::uint64_t b) {
  std::uint64_t s = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  return splitmix64(s);
}

/// xoshiro256** 1.0 (Blackman, Vigna). Seeded from (sweep seed, point id, stream name) so that a
/// stream's values never depend on thread count or run order.
class Rng {
 public:
  explicit constexpr Rng(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& w : s_) w = splitmix64(sm);
  }
  constexpr Rng(std::uint64_t seed, std::uint64_t point_id, std::string_view stream)
      : Rng(derive_seed(derive_seed(seed, point_id), hash_name(stream))) {}

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, n) without modulo bias (Lemire's multiply-shift with rejection). n > 0.
  constexpr std::uint64_t below(std::uint64_t n) {
    for (;;) {
      __extension__ using u128 = unsigned __int128;
      const u128 m = static_cast<u128>(next()) * n;
      const auto lo = static_cast<std::uint64_t>(m);
      if (lo >= n || lo >= (0 - n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }
  /// Uniform in [lo, hi], inclusive.
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  /// Uniform double in [0, 1) with 53 random bits.
  constexpr double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace eyesim
