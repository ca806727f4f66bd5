// serial_loop and for_each_index: see index_loop.h.
#include "core/index_loop.h"

#include <atomic>
#include <exception>
#include <vector>

namespace eyesim {

void serial_loop(std::size_t n, const std::function<void(std::size_t)>& body) {
  for (std::size_t i = 0; i < n; ++i) body(i);
}

void for_each_index(const IndexLoop& loop, std::size_t n, const std::function<void(std::size_t)>& body) {
  std::vector<std::exception_ptr> errors(n);  // each index writes only its own
  std::atomic<std::size_t> first_failed{n};
  loop(n, [&](std::size_t i) {
    if (i > first_failed.load(std::memory_order_acquire)) return;  // a serial loop would have stopped before i
    try {
      body(i);
    } catch (...) {
      errors[i] = std::current_exception();
      std::size_t seen = first_failed.load(std::memory_order_relaxed);
      while (i < seen && !first_failed.compare_exchange_weak(seen, i, std::memory_order_acq_rel)) {
      }
    }
  });
  if (const std::size_t i = first_failed.load(); i < n) std::rethrow_exception(errors[i]);
}

}  // namespace eyesim
