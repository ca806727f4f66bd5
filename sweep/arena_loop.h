// arena_loop: an IndexLoop (core/index_loop.h) over a oneTBB arena: how `eyesim run` and `eyesim validate`
// let a network's layers be prepared and simulated side by side.
#pragma once

#include <cstddef>
#include <functional>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include "core/index_loop.h"

namespace eyesim::sweep {

/// Runs every index as a task of `arena`, which must outlive the loop. One index per task: a network's
/// layers differ in cost by three orders of magnitude, so no chunking. Called from a task of the same
/// arena (validate's cases), the loop's tasks join the arena's other work.
inline IndexLoop arena_loop(tbb::task_arena& arena) {
  return [&arena](std::size_t n, const std::function<void(std::size_t)>& body) {
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, n, 1),
          [&](const tbb::blocked_range<std::size_t>& r) {
            for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
          },
          tbb::simple_partitioner());
    });
  };
}

}  // namespace eyesim::sweep
