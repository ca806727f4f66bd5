// Replaces the global allocation functions of the binary it is linked into, counting every call (see
// allocation_count.h). The library's array, nothrow and aligned-array forms forward to these two, so they
// are counted too; every matching delete is replaced with them.
#include "allocation_count.h"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace eyesim::testing {
namespace {

// A binary-wide counter: operator new is itself global, and a simulation that allocated on a worker
// thread must be counted as much as one that allocated on the caller's.
std::atomic<std::uint64_t> calls{0};

void* allocate(std::size_t size, std::size_t alignment) {
  calls.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  void* p = nullptr;
  if (alignment <= alignof(std::max_align_t)) {
    p = std::malloc(size);
  } else {
    // aligned_alloc wants a size that is a multiple of the alignment.
    p = std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  }
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

std::uint64_t allocations() { return calls.load(std::memory_order_relaxed); }

}  // namespace eyesim::testing

void* operator new(std::size_t size) { return eyesim::testing::allocate(size, 0); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return eyesim::testing::allocate(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
