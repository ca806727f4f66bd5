// IndexLoop: how a caller lets a library run independent pieces of work (a network's layers) on the
// caller's threads. The libraries below sweep/ and tools/ do not link oneTBB: they take a loop, serial
// by default, and `eyesim run` passes one over a oneTBB arena (sweep/arena_loop.h).
#pragma once

#include <cstddef>
#include <functional>

namespace eyesim {

/// Calls body(i) once for every i in [0, n), in any order, possibly concurrently.
using IndexLoop = std::function<void(std::size_t n, const std::function<void(std::size_t)>& body)>;

/// i = 0, 1, ..., n - 1, one after another on the calling thread.
void serial_loop(std::size_t n, const std::function<void(std::size_t)>& body);

/// body(i) for every i in [0, n) through `loop`, with a serial loop's errors whatever the loop: once
/// body(i)'s exception is recorded, no index above i is started (a concurrent loop may already have
/// started or finished some; their results are dropped with the rest), and when the loop is done the
/// exception of the lowest index that threw is rethrown, after that index is written to `failed` (if given:
/// every index below it has run, a caller can keep their results). Throws std::logic_error if the loop
/// returned without calling every index.
void for_each_index(const IndexLoop& loop, std::size_t n, const std::function<void(std::size_t)>& body,
                    std::size_t* failed = nullptr);

}  // namespace eyesim
