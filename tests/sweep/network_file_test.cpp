// Network TOML: the example file, and every error kind with its place.
#include <doctest/doctest.h>

#include <algorithm>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sweep/network_file.h"
#include "sweep/toml_text.h"
#include "workloads/layer_data.h"

namespace eyesim::sweep {
namespace {
workloads::Network parse(std::string_view text) { return parse_network_toml(text, "n.toml", "."); }
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("the example network file loads with its shapes and densities") {
    const auto net = load_network_file(EYESIM_SOURCE_DIR "/workloads/data/example_network.toml");
    CHECK(net.name == "tiny_cnn");
    REQUIRE(net.layers.size() == 4);
    CHECK(net.layers[0].shape.e() == 32);
    CHECK(net.layers[0].weights.density == 0.6);
    CHECK(net.layers[1].shape.kind == workloads::LayerKind::kDepthwise);
    CHECK(net.layers[1].shape.g == 16);
    CHECK(net.layers[1].shape.e() == 16);
    CHECK(net.layers[2].weights.pattern == workloads::SparsityPattern::kOutputChannels);
    CHECK(net.layers[3].shape.kind == workloads::LayerKind::kFullyConnected);
    CHECK_NOTHROW(workloads::prepare_network(net, 1));
  }

  TEST_CASE("a network's input files: its file and its layers' masks, a built-in's masks too") {
    const std::string example = EYESIM_SOURCE_DIR "/workloads/data/example_network.toml";
    const auto files = network_input_files(example, load_network_file(example));
    REQUIRE(files.size() == 1);
    CHECK(files[0].path == example);
    CHECK(files[0].role == "the network file");
    const auto builtin = network_input_files("sparse_mobilenet", resolve_network("sparse_mobilenet"));
    REQUIRE(builtin.size() == 18);  // 9 masked layers, iacts and weights
    CHECK(builtin[0].path.ends_with("/masks/L07_iacts.txt"));
    CHECK(builtin[0].role == "the iact mask of layer 'L07'");
    CHECK(builtin[1].role == "the weight mask of layer 'L07'");
    CHECK(network_input_files("mobilenet", resolve_network("mobilenet")).empty());
  }

  TEST_CASE("a depthwise layer's explicit m and groups must describe its c channels, not be dropped") {
    // c = 16, m = 32, groups = 4 used to simulate exactly like c = 16 alone.
    const auto dw = [](std::string_view keys) {
      return parse(fmt::format("name = \"x\"\n[[layer]]\nname = \"dw\"\nkind = \"depthwise\"\nc = 16\nh = 8\n{}", keys));
    };
    CHECK_THROWS_WITH_AS(dw("m = 32\ngroups = 4\n"),
                         doctest::Contains("n.toml:8:10: error: layer 'dw': a depthwise layer of c = 16 channels has 16 groups "
                                           "of one channel; 'groups' must be 16 or be omitted (got 4)"),
                         SpecError);
    CHECK_THROWS_WITH_AS(dw("m = 32\n"),
                         doctest::Contains("n.toml:7:5: error: layer 'dw': a depthwise layer of c = 16 channels has one filter "
                                           "per channel; 'm' must be 1 (per group) or 16 (in all) or be omitted (got 32)"),
                         SpecError);
    // Written as for a grouped conv (c and m per group): groups says 16 channels, c says 1.
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"dw\"\nkind = \"depthwise\"\nc = 1\nm = 1\ngroups = 16\nh = 8\n"),
                         doctest::Contains("n.toml:7:10: error: layer 'dw': a depthwise layer of c = 1 channels"), SpecError);
    for (const std::string_view consistent : {"", "m = 16\n", "m = 1\n", "groups = 16\n", "m = 16\ngroups = 16\n"}) {
      CAPTURE(consistent);
      const auto net = dw(consistent);
      REQUIRE(net.layers.size() == 1);
      const auto& s = net.layers[0].shape;
      CHECK(s.g == 16);
      CHECK(s.c == 1);
      CHECK(s.m == 1);
    }
  }

  TEST_CASE("a layer's n other than 1 is an error naming the batch options, not replaced by the run's batch") {
    // n = 1000000 used to simulate exactly like n = 1 (prepare_network sets every layer's n to the batch).
    const std::string layer = "name = \"b\"\n[[layer]]\nname = \"l\"\nkind = \"conv\"\nc = 4\nm = 4\nh = 8\n";
    CHECK_THROWS_WITH_AS(parse(layer + "n = 4\n"),
                         doctest::Contains("n.toml:8:5: error: layer 'l': 'n' (the batch) is set for the whole network by "
                                           "--batch, or by a sweep's batch or workload.batch; 'n' must be 1 or be "
                                           "omitted (got 4)"),
                         SpecError);
    CHECK(parse(layer + "n = 1\n").layers.front().shape.n == 1);
  }

  TEST_CASE("a density given as an integer beyond 2^53 is refused as out of range, not read as garbage") {
    // It read as 6.95e-310, inside [0, 1]: a layer with almost no non-zeros, without a word.
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"conv\"\nc = 3\nm = 4\nh = 8\n"
                               "weight_density = 9007199254740993\n"),
                         doctest::Contains("'weight_density' must be in [0, 1] (got 9007199254740992)"), SpecError);
  }

  TEST_CASE("network file errors name the place and the key") {
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"conv\"\nc = 3\nm = 4\nh = 8\nfoo = 1\n"),
                         doctest::Contains("n.toml:8:7: error: unknown layer key 'foo' (expected one of: name, kind, c, "),
                         SpecError);
    CHECK_THROWS_WITH_AS(
        parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"conv\"\nc = 3\nm = 4\nh = 8\nwieght_density = 0.5\n"),
        doctest::Contains("unknown layer key 'wieght_density' (expected one of: name, kind, c, m, h, w, r, s, stride, pad, "
                          "groups, iact_density, weight_density, iact_pattern, weight_pattern, iact_mask, weight_mask, "
                          "mask_order, n); did you mean 'weight_density'?"),
        SpecError);
    CHECK_THROWS_WITH_AS(parse("nme = \"x\"\n"), doctest::Contains("unknown key 'nme' (expected name, [[layer]]); did you "
                                                                     "mean 'name'?"),
                         SpecError);
    CHECK_THROWS_WITH_AS(resolve_network("sparse_mobilnet"), doctest::Contains("did you mean 'sparse_mobilenet'?"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"conv\"\nc = 3\nh = 8\n"),
                         doctest::Contains("missing the required key 'm'"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"conv\"\nc = \"3\"\nm = 4\nh = 8\n"),
                         doctest::Contains("n.toml:5:5: error: layer 'a': 'c' expects an integer (got '3')"), SpecError);
    CHECK_THROWS_WITH_AS(
        parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"conv\"\nc = 3\nm = 4\nh = 8\nweight_density = 1.5\n"),
        doctest::Contains("'weight_density' must be in [0, 1] (got 1.5)"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"cnv\"\nc = 3\nm = 4\nh = 8\n"),
                         doctest::Contains("n.toml:4:8: error: layer 'a': 'kind' expects \"conv\", \"depthwise\", "
                                           "\"pointwise\" or \"fc\" (got 'cnv')"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"conv\"\nc = 3\nm = 4\nh = 2\nr = 5\n"),
                         doctest::Contains("filter 5x5 larger than padded input 2x2"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n"), doctest::Contains("at least one [[layer]]"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"fc\"\nc = 3\nm = 4\nweight_mask = \"nope.txt\"\n"),
                         doctest::Contains("does not exist"), SpecError);
    CHECK_THROWS_WITH_AS(resolve_network("no_such_net"), doctest::Contains("not a built-in network"), SpecError);
    // A mask path that is a directory or a link loop: said at its key, not as a stream error later (helper-38).
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"fc\"\nc = 3\nm = 4\nweight_mask = \".\"\n"),
                         doctest::Contains("n.toml:7:15: error: mask file './.' is a directory"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"fc\"\nc = 3\nm = 4\n"
                               "[[layer]]\nname = \"b\"\nkind = \"fc\"\nc = 4\nm = 4\n"
                               "[[layer]]\nname = \"a\"\nkind = \"fc\"\nc = 4\nm = 2\n"),
                         doctest::Contains("n.toml:13:8: error: layer name 'a' is taken by layer 1 of the file; layer names "
                                           "must be unique"),
                         SpecError);
    // Empty names select nothing (a mapping entry without a layer is every layer's), a pipe or a device is
    // no mask file (a pipe waited for ever, /dev/zero filled the memory; found by helper-49).
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"\"\nkind = \"fc\"\nc = 3\nm = 4\n"),
                         doctest::Contains("n.toml:3:8: error: a layer's 'name' must not be empty"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"\"\n[[layer]]\nname = \"a\"\nkind = \"fc\"\nc = 3\nm = 4\n"),
                         doctest::Contains("n.toml:1:8: error: the network's 'name' must not be empty"), SpecError);
    // A NUL ends a name in C and in the result file: "a\0b" read back as "a" (helper-58).
    CHECK_THROWS_WITH_AS(parse("name = \"a\\u0000b\"\n[[layer]]\nname = \"a\"\nkind = \"fc\"\nc = 3\nm = 4\n"),
                         doctest::Contains("n.toml:1:8: error: the network's 'name' must not hold a NUL character"),
                         SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"x\\u0000y\"\nkind = \"fc\"\nc = 3\nm = 4\n"),
                         doctest::Contains("n.toml:3:8: error: a layer's 'name' must not hold a NUL character"), SpecError);
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"a\"\nkind = \"fc\"\nc = 3\nm = 4\nweight_mask = \"/dev/zero\"\n"),
                         doctest::Contains("n.toml:7:15: error: mask file '/dev/zero' is not a regular file"), SpecError);
    // A layer too large to generate is refused at its table with the limit, not a bare std::bad_alloc later.
    CHECK_THROWS_WITH_AS(parse("name = \"x\"\n[[layer]]\nname = \"big\"\nkind = \"conv\"\nc = 3\nm = 4\nh = 100000\n"),
                         doctest::Contains("n.toml:2:1: error: big: at most 1073741824 input activations per image "
                                           "(got g*c*h*w = 1*3*100000*100000 = 3e+10)"),
                         SpecError);
  }

  TEST_CASE("TOML values written by eyesim read back to what was written") {
    for (const double v : {1.0, 0.0, 0.1, 0.95, 1.0 / 3.0, 1e-300, 123456789.0}) {
      CAPTURE(v);
      const std::string text = "x = " + toml_float(v);
      const auto parsed = toml::parse(text);
      REQUIRE(parsed["x"].is_floating_point());
      CHECK(*parsed["x"].value<double>() == v);
    }
    const std::string tricky = "a \"quoted\" name\\with\nline\tbreaks\x01\x7f and \xc3\xa9";
    CHECK(*toml::parse("x = " + toml_string(tricky))["x"].value<std::string>() == tricky);
  }

  TEST_CASE("a network written as TOML reads back to the same layers: every kind, key, pattern and mask") {
    // Every built-in network: the same shapes and densities, mask files at the same (absolute) place.
    for (const std::string& name : workloads::builtin_network_names()) {
      CAPTURE(name);
      const workloads::Network net = *workloads::builtin_network(name);
      const workloads::Network back = parse(network_to_toml(net));
      CHECK(back.name == net.name);
      REQUIRE(back.layers.size() == net.layers.size());
      for (std::size_t i = 0; i < net.layers.size(); ++i) {
        CAPTURE(net.layers[i].shape.name);
        const workloads::LayerSpec &a = net.layers[i], &b = back.layers[i];
        CHECK(b.shape == a.shape);
        for (const auto& [x, y] : {std::pair{&a.iacts, &b.iacts}, std::pair{&a.weights, &b.weights}}) {
          CHECK(y->mask_file == x->mask_file);
          CHECK(y->mask_order == x->mask_order);
          if (x->mask_file.empty()) CHECK(*y == *x);  // a mask overrides density and pattern
        }
      }
    }
    // Every key a file can set, with names that need escaping.
    const std::string mask = EYESIM_SOURCE_DIR "/workloads/data/masks/L20_weights.txt";
    const workloads::Network custom = parse(fmt::format(
        "name = \"odd \\\"net\\\"\"\n"
        "[[layer]]\nname = \"c\\\\1\"\nkind = \"conv\"\nc = 3\nm = 4\ngroups = 2\nh = 9\nw = 7\nr = 3\ns = 1\nstride = 2\n"
        "pad = 1\niact_density = 0.25\niact_pattern = \"input_channels\"\nweight_density = 0.5\nweight_pattern = \"output_channels\"\n"
        "[[layer]]\nname = \"dw\"\nkind = \"depthwise\"\nc = 256\nh = 8\nr = 3\npad = 1\nweight_mask = \"{}\"\nmask_order = \"channel_last\"\n"
        "[[layer]]\nname = \"pw\"\nkind = \"pointwise\"\nc = 5\nm = 6\nh = 4\n"
        "[[layer]]\nname = \"fc\"\nkind = \"fc\"\nc = 300\nm = 10\niact_density = 1e-3\n",
        mask));
    const std::string text = network_to_toml(custom);
    const workloads::Network back = parse(text);
    CHECK(back.name == "odd \"net\"");
    REQUIRE(back.layers.size() == custom.layers.size());
    for (std::size_t i = 0; i < custom.layers.size(); ++i) CHECK(back.layers[i] == custom.layers[i]);
    CHECK(back.layers[0].shape.name == "c\\1");
    CHECK(back.layers[1].weights.mask_order == workloads::MaskOrder::kChannelLast);
    // A written file is a fixed point: writing what was read gives the same text.
    CHECK(network_to_toml(back) == text);
  }

  TEST_CASE("a built-in network written as TOML and read back generates the same data") {
    const workloads::Network net = *workloads::builtin_network("sparse_mobilenet");  // masks and generated layers
    const workloads::Network back = parse(network_to_toml(net));
    const auto a_data = workloads::prepare_network(net, 7), b_data = workloads::prepare_network(back, 7);
    const workloads::NetworkData &a = *a_data, &b = *b_data;
    REQUIRE(a.layers.size() == b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
      CAPTURE(a.layers[i].shape().name);
      CHECK(std::ranges::equal(a.layers[i].iacts.values(), b.layers[i].iacts.values()));
      CHECK(std::ranges::equal(a.layers[i].weights.values(), b.layers[i].weights.values()));
    }
  }
}
}  // namespace eyesim::sweep
