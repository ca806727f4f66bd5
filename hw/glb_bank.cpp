// GlbBank: the off-chip side, out of line (it runs once per fill; reads are the hot path).
#include "hw/glb_bank.h"

#include "core/check.h"

namespace eyesim::hw {

static_assert(sizeof(GlbBank) == 64, "a bank fits one cache line");

std::uint64_t GlbBank::background(std::uint64_t ready, std::uint64_t words) {
  EYESIM_CHECK(offchip_, "background transfer on a GLB bank made without off-chip traffic");
  std::uint64_t t = std::max(ready, cursor_);
  while (words > 0 && size_ > 0) {
    const Interval& iv = at(0);
    const std::uint64_t iv_start = base_ + iv.start;
    if (iv_start > t) {
      const std::uint64_t take = std::min(iv_start - t, words);
      t += take;
      words -= take;
      if (words == 0) break;
    }
    t = std::max(t, base_ + iv.end);
    pop_front();
  }
  if (words > 0) {  // past every reservation: from the end of the last one on
    t = std::max(t, free_at_) + words;
    free_at_ = t;
  }
  cursor_ = t;
  // Intervals wholly before the cursor can serve no one any more; the rest start after it, so they
  // are stored from it on.
  while (size_ > 0 && base_ + at(0).end <= cursor_) pop_front();
  const auto by = static_cast<std::uint32_t>(std::min<std::uint64_t>(cursor_ - base_, size_ > 0 ? at(0).start : kMaxOffset));
  for (std::uint32_t i = 0; i < size_; ++i) {
    at(i).start -= by;
    at(i).end -= by;
  }
  base_ += by;
  return t;
}

void GlbBank::drop_all(std::uint64_t start) {
  cursor_ = std::max(cursor_, free_at_);
  size_ = 0;
  base_ = start;
}

}  // namespace eyesim::hw
