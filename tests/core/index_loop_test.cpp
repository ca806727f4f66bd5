// for_each_index: a serial loop's errors whatever the loop.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/index_loop.h"
#include "tests/thread_per_index.h"

namespace eyesim {
namespace {


/// The error for_each_index rethrows, checked against the failing index it reports.
std::string error_of(const IndexLoop& loop, std::size_t n, const std::vector<std::size_t>& failing,
                     std::vector<int>* ran = nullptr) {
  std::size_t failed = n;
  try {
    for_each_index(
        loop, n,
        [&](std::size_t i) {
          if (ran) (*ran)[i] = 1;
          if (std::find(failing.begin(), failing.end(), i) != failing.end()) throw std::runtime_error("layer " + std::to_string(i));
        },
        &failed);
  } catch (const std::runtime_error& e) {
    CHECK(e.what() == "layer " + std::to_string(failed));  // the index reported is the error's
    return e.what();
  }
  CHECK(failed == n);  // (not written without an error)
  return "";
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("for_each_index runs every index once, through the given loop") {
    for (const IndexLoop& loop : {IndexLoop(serial_loop), IndexLoop(testing::thread_per_index)}) {
      std::vector<std::atomic<int>> calls(17);
      for_each_index(loop, calls.size(), [&](std::size_t i) { ++calls[i]; });
      for (const auto& c : calls) CHECK(c == 1);
    }
    for_each_index(serial_loop, 0, [](std::size_t) { FAIL("no index"); });
  }

  TEST_CASE("for_each_index rethrows the lowest failing index's error, as a serial loop stops at its first") {
    CHECK(error_of(serial_loop, 10, {3, 7}) == "layer 3");
    CHECK(error_of(testing::thread_per_index, 10, {3, 7}) == "layer 3");  // 7 may well fail first here
    CHECK(error_of(testing::thread_per_index, 10, {9}) == "layer 9");
    CHECK(error_of(testing::thread_per_index, 10, {}).empty());
    // A loop that skips an index (a cancelled one) is an error, not unset results.
    const IndexLoop skips_last = [](std::size_t n, const std::function<void(std::size_t)>& body) {
      for (std::size_t i = 0; i + 1 < n; ++i) body(i);
    };
    CHECK_THROWS_WITH_AS(for_each_index(skips_last, 3, [](std::size_t) {}), "a loop over 3 indices called 2 of them",
                         std::logic_error);
    // Serially, nothing after the failure is started.
    std::vector<int> ran(10, 0);
    CHECK(error_of(serial_loop, 10, {4}, &ran) == "layer 4");
    CHECK(ran == std::vector<int>{1, 1, 1, 1, 1, 0, 0, 0, 0, 0});
  }
}

}  // namespace eyesim
