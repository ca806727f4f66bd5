// Layer shapes and the built-in networks: exact MAC totals and layer formulas.
#include <doctest/doctest.h>

#include "workloads/network.h"

namespace eyesim::workloads {
TEST_SUITE("fast") {
  TEST_CASE("the built-in networks have their published MAC totals") {
    CHECK(builtin_network("alexnet")->macs() == 724'406'816ULL);
    CHECK(builtin_network("sparse_alexnet")->macs() == 724'406'816ULL);
    CHECK(builtin_network("mobilenet")->macs() == 49'160'192ULL);
    CHECK(builtin_network("sparse_mobilenet")->macs() == 49'160'192ULL);
    CHECK(builtin_network("mobilenet_1_0_224")->macs() == 568'740'352ULL);
    CHECK(builtin_network("vgg16")->macs() == 15'470'264'320ULL);      // independent sum in a Python one-off
    CHECK(builtin_network("resnet50")->macs() == 4'089'184'256ULL);   // v1.5, incl. projections and FC
    CHECK_FALSE(builtin_network("lenet").has_value());
    CHECK(builtin_network_names().size() == 7);
    for (const auto& n : builtin_network_names()) CHECK_FALSE(builtin_network_description(n).empty());
  }

  TEST_CASE("AlexNet layer MACs match the per-layer table of eyeriss-facts 5.1") {
    const auto net = *builtin_network("alexnet");
    const std::uint64_t expected[] = {105'415'200, 223'948'800, 149'520'384, 112'140'288,
                                      74'760'192,  37'748'736,  16'777'216,  4'096'000};
    REQUIRE(net.layers.size() == 8);
    for (std::size_t i = 0; i < 8; ++i) CHECK(net.layers[i].shape.macs() == expected[i]);
    CHECK(net.layers[0].shape.e() == 55);
    CHECK(net.layers[1].shape.e() == 27);
  }

  TEST_CASE("MobileNet 0.5/128 has 28 layers L01..L28 with depthwise layers where the paper puts them") {
    const auto net = *builtin_network("mobilenet");
    REQUIRE(net.layers.size() == 28);
    CHECK(net.layers[6].shape.name == "L07");
    CHECK(net.layers[6].shape.kind == LayerKind::kPointwise);
    CHECK(net.layers[19].shape.kind == LayerKind::kDepthwise);  // L20
    CHECK(net.layers[19].shape.g == 256);
    CHECK(net.layers[27].shape.kind == LayerKind::kFullyConnected);
    CHECK(net.layers[0].shape.e() == 64);
    CHECK(net.layers[26].shape.e() == 4);
  }

  TEST_CASE("sparse MobileNet takes real masks for the nine layers that have them") {
    const auto net = *builtin_network("sparse_mobilenet");
    int masked = 0;
    for (const auto& l : net.layers) masked += !l.weights.mask_file.empty();
    CHECK(masked == 9);
    CHECK(net.layers[6].iacts.mask_file.find("L07_iacts.txt") != std::string::npos);
  }

  TEST_CASE("validate names the layer and every problem of a bad shape") {
    LayerShape bad{.name = "X", .kind = LayerKind::kDepthwise, .c = 2, .h = 2, .w = 2, .r = 5, .s = 5};
    const auto issues = validate(bad);
    REQUIRE(issues.size() == 2);
    CHECK(issues[0].find("X: filter 5x5 larger than padded input 2x2") != std::string::npos);
    CHECK(issues[1].find("depthwise") != std::string::npos);
    LayerShape zero{.name = "Z", .m = 0};
    CHECK(validate(zero).at(0) == "Z: output channels m must be >= 1 (got 0)");
    // A stride past the padded input (it took gigabytes of per-stride-phase tables; found by helper-49).
    const LayerShape strided{.name = "S", .kind = LayerKind::kPointwise, .c = 4, .m = 4, .h = 16, .w = 12, .u = 17};
    REQUIRE(validate(strided).size() == 1);
    CHECK(validate(strided)[0] == "S: stride 17 exceeds the padded input's 16 rows or columns (a stride of 16 already "
                                  "leaves one window)");
    CHECK(validate(LayerShape{.name = "S", .kind = LayerKind::kPointwise, .c = 4, .m = 4, .h = 16, .w = 12, .u = 16}).empty());
    // The non-zero index holds m and w in 16 bits (an internal check failed there; found by helper-38).
    const auto pointwise = [](std::uint32_t m, std::uint32_t w) {
      return LayerShape{.name = "P", .kind = LayerKind::kPointwise, .c = 1, .m = m, .h = 1, .w = w};
    };
    CHECK(validate(pointwise(65537, 1)) == std::vector<std::string>{"P: output channels m must be at most 65536 per group (got 65537)"});
    CHECK(validate(pointwise(1, 65537)) == std::vector<std::string>{"P: input width w must be at most 65536 (got 65537)"});
    CHECK(validate(pointwise(65536, 1)).empty());
    CHECK(validate(pointwise(1, 65536)).empty());
  }

  TEST_CASE("validate bounds each operand of one image, without overflowing the count") {
    // A typo like h = 100000 asked for 30 GB and ended in a bare "std::bad_alloc".
    const LayerShape at_limit{.name = "A", .kind = LayerKind::kPointwise, .c = 1024, .m = 1, .h = 1024, .w = 1024};
    CHECK(validate(at_limit).empty());
    LayerShape big{.name = "B", .kind = LayerKind::kConv, .c = 3, .m = 4, .h = 100000, .w = 100000, .r = 3, .s = 3};
    REQUIRE(validate(big).size() == 3);  // and w above the index's 16 bits
    CHECK(validate(big)[0] == "B: at most 1073741824 input activations per image (got g*c*h*w = 1*3*100000*100000 = 3e+10)");
    CHECK(validate(big)[1] == "B: at most 1073741824 output activations per image (got g*m*e*f = 1*4*99998*99998 = 4e+10)");
    // G*C is one 32-bit tensor dimension: 65536 x 65537 wraps to 65536 there.
    const LayerShape wraps{.name = "W", .kind = LayerKind::kPointwise, .g = 65536, .c = 65537, .m = 1, .h = 1, .w = 1};
    REQUIRE_FALSE(validate(wraps).empty());
    CHECK(validate(wraps)[0].find("W: at most 1073741824 input activations per image") == 0);
    // Every factor at its maximum: the saturating count stays above the limit instead of wrapping.
    const std::uint32_t max = 0xffffffffu;
    const LayerShape huge{.name = "H", .kind = LayerKind::kConv, .g = max, .c = max, .m = max, .h = max, .w = max, .r = 1, .s = 1};
    CHECK(validate(huge).size() == 5);  // and m and w above the index's 16 bits
  }
}
}  // namespace eyesim::workloads
