// thread_per_index: an IndexLoop (core/index_loop.h) for tests of concurrent loops, with no oneTBB.
#pragma once

#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace eyesim::testing {

/// Every index on a thread of its own, started from the last: the order least like a serial loop's.
inline void thread_per_index(std::size_t n, const std::function<void(std::size_t)>& body) {
  std::vector<std::thread> threads;
  for (std::size_t i = n; i-- > 0;) threads.emplace_back([&body, i] { body(i); });
  for (std::thread& t : threads) t.join();
}

}  // namespace eyesim::testing
