// Helpers over "field lists": a struct S opts in by providing, next to its definition,
//   template <class S, class F> constexpr void for_each_field(S& s, F&& f)
// (found by ADL) that calls f("name", s.member) for every member, in column order. That single list
// drives +=, printing and HDF5 column names (STYLE.md §3.5).
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace eyesim {

/// a += b, field by field (S must be standard-layout; every field must support +=).
template <class S>
void add_fields(S& a, const S& b) {
  static_assert(std::is_standard_layout_v<S>);
  const auto* base_a = reinterpret_cast<const unsigned char*>(&a);
  const auto* base_b = reinterpret_cast<const unsigned char*>(&b);
  for_each_field(a, [&](std::string_view, auto& field) {
    using T = std::remove_cvref_t<decltype(field)>;
    const auto offset = reinterpret_cast<const unsigned char*>(&field) - base_a;
    field += *reinterpret_cast<const T*>(base_b + offset);
  });
}

/// Number of fields in the list.
template <class S>
std::size_t field_count(S& s) {
  std::size_t n = 0;
  for_each_field(s, [&](std::string_view, const auto&) { ++n; });
  return n;
}

}  // namespace eyesim
