// simulate_network and prepare_network through a concurrent IndexLoop: the same data and results, bit for
// bit, as one after another, and the first failing layer's error.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "core/index_loop.h"
#include "tests/thread_per_index.h"
#include "hw/presets.h"
#include "hw/run_progress.h"
#include "hw/simulate.h"
#include "workloads/layer_data.h"
#include "workloads/network.h"

namespace eyesim::hw {
namespace {


/// Every field of a field list, doubles as hexadecimal floats (bit-exact).
template <class S>
std::string fields_text(const S& s) {
  std::string text;
  for_each_field(s, [&](std::string_view name, const auto& v) {
    if constexpr (std::is_floating_point_v<std::remove_cvref_t<decltype(v)>>) text += fmt::format("{}={:a} ", name, v);
    else if constexpr (std::is_enum_v<std::remove_cvref_t<decltype(v)>>) text += fmt::format("{}={} ", name, static_cast<int>(v));
    else text += fmt::format("{}={} ", name, v);
  });
  return text;
}

void check_same(const NetworkResult& a, const NetworkResult& b) {
  REQUIRE(a.layers.size() == b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const LayerResult& x = a.layers[i];
    const LayerResult& y = b.layers[i];
    INFO("layer ", x.layer_name);
    CHECK(x.layer_name == y.layer_name);
    CHECK(fields_text(x.stats) == fields_text(y.stats));
    CHECK(fields_text(x.mapping) == fields_text(y.mapping));
    CHECK(x.traces.pe_busy_cycles == y.traces.pe_busy_cycles);
    CHECK(x.traces.pe_stall_cycles == y.traces.pe_stall_cycles);
    CHECK(x.traces.pe_macs == y.traces.pe_macs);
    CHECK(x.traces.port_busy_cycles == y.traces.port_busy_cycles);
    CHECK(x.traces.port_bits == y.traces.port_bits);
    CHECK(x.verified == y.verified);
    CHECK(x.mapper_candidates == y.mapper_candidates);
    CHECK(x.estimate_pick_cycles == y.estimate_pick_cycles);
  }
  CHECK(fields_text(a.totals) == fields_text(b.totals));
  CHECK(fmt::format("{:a} {:a}", a.inferences_per_second, a.inferences_per_joule) ==
        fmt::format("{:a} {:a}", b.inferences_per_second, b.inferences_per_joule));
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a network's layers prepared and simulated concurrently give the serial data and results, bit for bit") {
    const auto net = workloads::builtin_network("sparse_mobilenet");
    REQUIRE(net);
    const auto serial_data = workloads::prepare_network(*net, 3);
    const auto threaded_data = workloads::prepare_network(*net, 3, 1, testing::thread_per_index);
    REQUIRE(serial_data->layers.size() == threaded_data->layers.size());
    for (std::size_t i = 0; i < serial_data->layers.size(); ++i) {
      const auto same = [](const auto& a, const auto& b) { return std::ranges::equal(a.values(), b.values()); };
      CHECK(same(serial_data->layers[i].iacts, threaded_data->layers[i].iacts));
      CHECK(same(serial_data->layers[i].weights, threaded_data->layers[i].weights));
    }
    // Timing with traces, the mapper's search (its caches are per thread), and a dense chip.
    RunOptions searched;
    searched.mapper.mode = MapperMode::kSimulate;
    for (const auto& [arch, options] : {std::pair{*preset("eyeriss_v2"), RunOptions{}}, std::pair{*preset("eyeriss_v2"), searched},
                                        std::pair{*preset("eyeriss_v1_5"), RunOptions{}}}) {
      INFO(arch.name, " mapper ", to_string(options.mapper.mode));
      check_same(simulate_network(arch, *serial_data, options), simulate_network(arch, *threaded_data, options, testing::thread_per_index));
    }
  }

  TEST_CASE("RunProgress counts every layer and every candidate simulated, and the results do not depend on it") {
    const auto net = workloads::builtin_network("sparse_mobilenet");
    const auto data = workloads::prepare_network(*net, 1);
    const ArchSpec arch = *preset("eyeriss_v2");
    RunOptions searched;
    searched.mapper.mode = MapperMode::kSimulate;
    searched.max_layers = 9;  // the progress counts the layers simulated, not the network's
    for (const bool concurrent : {false, true}) {
      const char* how = concurrent ? "a thread per layer" : "serial";
      INFO(how);
      const IndexLoop loop = concurrent ? IndexLoop(testing::thread_per_index) : IndexLoop(serial_loop);
      RunProgress progress(9);
      RunOptions observed = searched;
      observed.progress = &progress;
      const NetworkResult r = simulate_network(arch, *data, observed, loop);
      check_same(r, simulate_network(arch, *data, searched, loop));
      std::uint32_t searched_layers = 0;
      for (std::size_t i = 0; i < 9; ++i) {
        INFO("layer ", i);
        CHECK(progress.is_started(i));
        CHECK(progress.is_done(i));
        CHECK(progress.candidates(i) == r.layers[i].mapper_candidates);
        CHECK(progress.candidates_done(i) == r.layers[i].mapper_candidates);
        searched_layers += progress.candidates(i) > 1;
      }
      CHECK(searched_layers > 0);  // (some layer had more than one candidate to simulate)
    }
    // The estimate's runs count layers, no candidates; a layer that fails is started and never done.
    RunProgress estimate(net->layers.size());
    RunOptions failing{.verify = false, .collect_traces = false, .forced_mappings = {MappingOverride{
                                                                            .layer = std::string(net->layers[3].shape.name),
                                                                            .m0 = 4096}}};
    failing.progress = &estimate;
    CHECK_THROWS(simulate_network(arch, *data, failing));
    CHECK(estimate.is_done(2));
    CHECK(estimate.candidates(2) == 0);
    CHECK(estimate.is_started(3));
    CHECK_FALSE(estimate.is_done(3));
    CHECK_FALSE(estimate.is_started(4));  // (serial: stopped at the first failure)
    // A progress of another size is a caller's mistake, refused before anything runs.
    RunProgress wrong(5);
    RunOptions mismatched;
    mismatched.progress = &wrong;
    CHECK_THROWS_AS(simulate_network(arch, *data, mismatched), std::invalid_argument);
    CHECK_FALSE(wrong.is_started(0));
  }

  TEST_CASE("a network simulated concurrently fails with its first failing layer's error") {
    const auto net = workloads::builtin_network("sparse_mobilenet");
    const auto data = workloads::prepare_network(*net, 1);
    // A mapping forced on two layers that cannot hold it: the first of them in network order is named.
    RunOptions options;
    options.forced_mappings = {MappingOverride{.layer = std::string(net->layers[25].shape.name), .m0 = 4096},
                               MappingOverride{.layer = std::string(net->layers[3].shape.name), .m0 = 4096}};
    std::string serial, threaded;
    try {
      simulate_network(*preset("eyeriss_v2"), *data, options);
    } catch (const std::exception& e) {
      serial = e.what();
    }
    try {
      simulate_network(*preset("eyeriss_v2"), *data, options, testing::thread_per_index);
    } catch (const std::exception& e) {
      threaded = e.what();
    }
    CHECK(serial.find(net->layers[3].shape.name) != std::string::npos);
    CHECK(threaded == serial);
  }
}

}  // namespace eyesim::hw
