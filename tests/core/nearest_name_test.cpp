// The "did you mean" suggestion of errors about unknown names.
#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "core/nearest_name.h"

namespace eyesim {
namespace {
const std::vector<std::string_view> kParams = {"clock_mhz",          "pe.kind",        "noc.kind",
                                               "noc.iact_port_bits", "noc.weight_port_bits", "precision.iact_bits",
                                               "glb.iact_banks",     "glb.psum_banks"};
}

TEST_SUITE("fast") {
  TEST_CASE("edit_distance counts insertions, deletions, substitutions and adjacent swaps, ignoring case") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("", "ab") == 2);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("port_bist", "port_bits") == 1);  // a swap is one edit, not two
    CHECK(edit_distance("ab", "ba") == 1);
    CHECK(edit_distance("CONV3", "conv3") == 0);
    CHECK(edit_distance("noc.iact_port_bit", "noc.iact_port_bits") == 1);
    CHECK(edit_distance("flaw", "lawn") == 2);
  }

  TEST_CASE("nearest_name suggests the one close candidate, and nothing for a tie or a distant name") {
    CHECK(nearest_name("noc.iact_port_bit", kParams) == "noc.iact_port_bits");
    CHECK(nearest_name("noc.wieght_port_bits", kParams) == "noc.weight_port_bits");
    CHECK(nearest_name("clock_mzh", kParams) == "clock_mhz");
    CHECK(nearest_name("glb.xact_banks", kParams) == "glb.iact_banks");
    CHECK_FALSE(nearest_name("frequency", kParams).has_value());
    CHECK_FALSE(nearest_name("", kParams).has_value());
    // A tie at the smallest distance is no suggestion.
    CHECK_FALSE(nearest_name("ab", std::vector<std::string_view>{"ax", "xb"}).has_value());
    // The budget grows with the name: a third of its length, at least one edit.
    CHECK(nearest_name("m", std::vector<std::string_view>{"n"}) == "n");
    CHECK_FALSE(nearest_name("mm", std::vector<std::string_view>{"nn"}).has_value());
    CHECK(nearest_name("abcdef", std::vector<std::string_view>{"abxdxf"}) == "abxdxf");
    CHECK_FALSE(nearest_name("abcdef", std::vector<std::string_view>{"axxdxf"}).has_value());
    // The name itself is never suggested (it was refused for another reason).
    CHECK_FALSE(nearest_name("pe.kind", std::vector<std::string_view>{"pe.kind"}).has_value());
  }

  TEST_CASE("nearest_name completes a name cut short, when one candidate begins with it") {
    // "pe.simd" is two substitutions from "pe.kind", within the budget, but it begins "pe.simd_width".
    const std::vector<std::string_view> pe = {"pe.kind", "pe.simd_width", "glb.iact_banks", "glb.iact_bank_bytes"};
    CHECK(nearest_name("pe.simd", pe) == "pe.simd_width");
    CHECK(nearest_name("PE.SIMD", pe) == "pe.simd_width");
    // Two names begin with it: the closest by edits, if one is.
    CHECK(nearest_name("glb.iact_bank", pe) == "glb.iact_banks");
    // A name in another case is that name, even when one longer name begins with it.
    const std::vector<std::string_view> nets = {"alexnet", "mobilenet", "mobilenet_1_0_224", "sparse_mobilenet"};
    CHECK(nearest_name("Mobilenet", nets) == "mobilenet");
    CHECK(nearest_name("MobileNet", nets) == "mobilenet");
    CHECK(nearest_name("mobilenet_1", nets) == "mobilenet_1_0_224");
    CHECK_FALSE(nearest_name("glb.iact_b", pe).has_value());
  }

  TEST_CASE("nearest_name finds a dotted name given without its prefix, unless two share that last part") {
    CHECK(nearest_name("iact_port_bits", kParams) == "noc.iact_port_bits");
    CHECK(nearest_name("iact_bits", kParams) == "precision.iact_bits");
    CHECK(nearest_name("weight_port_bit", kParams) == "noc.weight_port_bits");
    CHECK_FALSE(nearest_name("kind", kParams).has_value());  // pe.kind or noc.kind
    // A dotted name is compared whole: a parameter put under another section is still found.
    CHECK(nearest_name("dram.iact_port_bits", kParams) == "noc.iact_port_bits");
  }

  TEST_CASE("did_you_mean is the tail of an error, empty without a suggestion") {
    CHECK(did_you_mean("pe.knd", kParams) == "; did you mean 'pe.kind'?");
    CHECK(did_you_mean("nothing_like_it", kParams).empty());
  }
}
}  // namespace eyesim
