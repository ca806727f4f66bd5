// allocation_count: how many times operator new has been called in this process, for the tests and the
// benchmark that show the simulation's hot path allocates nothing per event (docs/model.md §1). Linking
// allocation_count.cpp into a binary replaces the global operator new and delete there (with one relaxed
// atomic increment per allocation); the product's libraries do not link it.
#pragma once

#include <cstdint>

namespace eyesim::testing {

/// Calls of any replaceable operator new (array, aligned and nothrow forms included) on every thread of the
/// process since it started. The difference of two readings around a call on one thread counts that call's
/// allocations when no other thread allocates meanwhile.
std::uint64_t allocations();

}  // namespace eyesim::testing
