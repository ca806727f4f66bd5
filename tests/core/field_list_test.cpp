// Field lists: one list drives naming and summation.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/field_list.h"

namespace eyesim {
namespace {
struct Counters {
  std::uint64_t macs = 0;
  double energy_pj = 0;
  std::uint32_t stalls = 0;
};
template <class S, class F>
constexpr void for_each_field(S& s, F&& f) {
  f("macs", s.macs);
  f("energy_pj", s.energy_pj);
  f("stalls", s.stalls);
}
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("add_fields adds every field of the list and nothing else") {
    Counters a{1, 2.5, 3}, b{10, 0.5, 30};
    add_fields(a, b);
    CHECK(a.macs == 11);
    CHECK(a.energy_pj == 3.0);
    CHECK(a.stalls == 33);
    CHECK(field_count(a) == 3);
    std::vector<std::string> names;
    for_each_field(a, [&](std::string_view n, auto&) { names.emplace_back(n); });
    CHECK(names == std::vector<std::string>{"macs", "energy_pj", "stalls"});
  }
}
}  // namespace eyesim
