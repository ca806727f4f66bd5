// CSC encoding (Eyeriss v2 §IV-A): round trips, long zero runs, empty segments.
#include <doctest/doctest.h>

#include "core/rng.h"
#include "workloads/csc.h"

namespace eyesim::workloads {
TEST_SUITE("fast") {
  TEST_CASE("a run of more than 15 zeros is carried by an explicit zero entry") {
    std::vector<std::int8_t> v(21, 0);
    v[20] = 5;
    const auto enc = encode_csc(v, v.size());
    REQUIRE(enc.entries.size() == 2);
    CHECK(enc.entries[0] == CscEntry{15, 0});
    CHECK(enc.entries[1] == CscEntry{4, 5});
    CHECK(decode_csc(enc, v.size(), v.size()) == v);
    CHECK(csc_entry_count(v) == 2);
    CHECK(enc.data_bits() == 24);
  }

  TEST_CASE("an all-zero segment repeats its start address and trailing zeros need no entry") {
    const std::vector<std::int8_t> v = {0, 0, 0, 3, 0, 0, 7, 0, 0};
    const auto enc = encode_csc(v, 3);
    CHECK(enc.address == std::vector<std::uint32_t>{0, 0, 1, 2});
    CHECK(enc.entries == std::vector<CscEntry>{{0, 3}, {0, 7}});
    CHECK(decode_csc(enc, v.size(), 3) == v);
  }

  TEST_CASE("decode(encode(x)) == x for random lengths / segment lengths and densities / including 0 and 1") {
    Rng rng(7);
    for (double density : {0.0, 0.01, 0.3, 0.5, 0.9, 1.0}) {
      for (int trial = 0; trial < 40; ++trial) {
        const std::size_t n = 1 + rng.below(300);
        const std::size_t seg = 1 + rng.below(40);
        std::vector<std::int8_t> v(n);
        std::size_t nnz = 0;
        for (auto& x : v) {
          x = rng.uniform() < density ? static_cast<std::int8_t>(1 + rng.below(127)) : 0;
          nnz += x != 0;
        }
        const auto enc = encode_csc(v, seg);
        CHECK(decode_csc(enc, n, seg) == v);
        CHECK(enc.segment_count() == (n + seg - 1) / seg);
        std::size_t nonzero_entries = 0;
        for (const auto& e : enc.entries) {
          CHECK(e.zero_count <= 15);
          nonzero_entries += e.value != 0;
        }
        CHECK(nonzero_entries == nnz);
        if (density == 0.0) CHECK(enc.entries.empty());
      }
    }
  }

  TEST_CASE("an encoding built from the non-zeros alone equals encode_csc of the dense values") {
    Rng rng(11);
    CscEncoding built;
    for (double density : {0.0, 0.01, 0.1, 0.5, 1.0}) {
      for (int trial = 0; trial < 40; ++trial) {
        const std::size_t n = 1 + rng.below(300);
        const std::size_t seg = 1 + rng.below(60);
        std::vector<std::int8_t> v(n);
        for (auto& x : v) x = rng.uniform() < density ? static_cast<std::int8_t>(1 + rng.below(127)) * (rng.below(2) ? 1 : -1) : 0;
        start_csc(built);
        for (std::size_t begin = 0; begin < n; begin += seg) {
          std::size_t next = 0;  // offset in the segment after the previous non-zero
          for (std::size_t i = begin; i < std::min(n, begin + seg); ++i) {
            if (v[i] == 0) continue;
            append_csc_nonzero(built, i - begin - next, v[i]);
            next = i - begin + 1;
          }
          end_csc_segment(built);
        }
        const CscEncoding expected = encode_csc(v, seg);
        CHECK(built.entries == expected.entries);
        CHECK(built.address == expected.address);
      }
    }
  }
}
}  // namespace eyesim::workloads
