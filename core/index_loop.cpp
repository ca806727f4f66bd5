// serial_loop and for_each_index: see index_loop.h.
#include "core/index_loop.h"

#include <atomic>
#include <exception>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace eyesim {

void serial_loop(std::size_t n, const std::function<void(std::size_t)>& body) {
  for (std::size_t i = 0; i < n; ++i) body(i);
}

void for_each_index(const IndexLoop& loop, std::size_t n, const std::function<void(std::size_t)>& body,
                    std::size_t* failed) {
  std::vector<std::exception_ptr> errors(n);  // each index writes only its own
  std::atomic<std::size_t> first_failed{n};
  // Every call's end is released here and acquired after the loop: what body(i) wrote is then visible to
  // the caller through this atomic, whatever the loop synchronises with (a oneTBB loop does, inside a
  // library ThreadSanitizer cannot see into, which would report the caller's reads as races).
  // (`each` is destroyed after the acquire, at the end of this function.)
  std::atomic<std::size_t> ended{0};
  const std::function<void(std::size_t)> each = [&](std::size_t i) {
    if (i <= first_failed.load(std::memory_order_acquire)) {  // a serial loop would have stopped before i
      try {
        body(i);
      } catch (...) {
        errors[i] = std::current_exception();
        std::size_t seen = first_failed.load(std::memory_order_relaxed);
        while (i < seen && !first_failed.compare_exchange_weak(seen, i, std::memory_order_acq_rel)) {
        }
      }
    }
    ended.fetch_add(1, std::memory_order_release);
  };
  loop(n, each);
  if (const std::size_t i = first_failed.load(); i < n) {
    if (failed) *failed = i;
    std::rethrow_exception(errors[i]);
  }
  // A loop that returned without calling every index (a cancelled oneTBB loop does) would leave results
  // unset, silently.
  if (const std::size_t calls = ended.load(std::memory_order_acquire); calls != n)
    throw std::logic_error(fmt::format("a loop over {} indices called {} of them", n, calls));
}

}  // namespace eyesim
