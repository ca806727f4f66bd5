// Event kernel: the classic hold model (pop the earliest event, schedule one at now + U[1,64]).
#include <benchmark/benchmark.h>

#include "core/rng.h"
#include "core/simulator.h"

namespace eyesim {
namespace {

/// Each firing schedules its successor, so the number of pending events stays constant.
struct HoldModel {
  Simulator& sim;
  Rng rng{12345};
  void on_fire(std::uint64_t) { sim.schedule_in<&HoldModel::on_fire>(1 + rng.below(64), *this); }
};

void BM_HoldModel(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  sim.reserve_events(pending + 1);
  HoldModel model{sim};
  for (std::size_t i = 0; i < pending; ++i) sim.schedule_at<&HoldModel::on_fire>(model.rng.below(64), model);
  constexpr std::uint64_t kBatch = 100'000;
  for (auto _ : state) {
    sim.run(sim.now() + kBatch * 32 / pending + 1);  // ~kBatch events per iteration at any size
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(sim.events_executed()));
  state.counters["pending"] = static_cast<double>(sim.events_pending());
}
BENCHMARK(BM_HoldModel)->Arg(64)->Arg(1 << 10)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eyesim

#include "binary_heap_queue.h"
#include "core/event_queue.h"

namespace eyesim {
namespace {

/// The hold model on a bare queue (no Simulator): pop the earliest, push one at its time + U[1,64].
template <class Queue>
void BM_QueueHold(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  Queue q;
  q.reserve(pending + 1);
  Rng rng(7);
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < pending; ++i) q.push(Event{rng.below(64), seq++, nullptr, nullptr, 0});
  std::int64_t items = 0;
  for (auto _ : state) {
    for (int i = 0; i < 10'000; ++i) {
      const Event e = q.pop();
      q.push(Event{e.when + 1 + rng.below(64), (std::uint64_t{1} << 56) | seq++, nullptr, nullptr, 0});
    }
    items += 10'000;
  }
  state.SetItemsProcessed(items);
}
BENCHMARK(BM_QueueHold<EventQueue>)->Arg(1 << 10)->Arg(100'000)->Name("BM_QueueHold/timing_wheel");
BENCHMARK(BM_QueueHold<bench::BinaryHeapQueue>)->Arg(1 << 10)->Arg(100'000)->Name("BM_QueueHold/binary_heap");

}  // namespace
}  // namespace eyesim
