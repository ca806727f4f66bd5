// ProgressDisplay: see progress_display.h.
#include "sweep/progress_display.h"

#include <utility>

#include <fmt/format.h>

namespace eyesim::sweep {

std::optional<ProgressMode> parse_progress_mode(std::string_view text) {
  if (text == "auto") return ProgressMode::kAuto;
  if (text == "always") return ProgressMode::kAlways;
  if (text == "never") return ProgressMode::kNever;
  return std::nullopt;
}

ProgressPolicy progress_policy(ProgressMode mode, bool terminal, double delay_s, double interval_s) {
  using AtEnd = ProgressPolicy::AtEnd;
  switch (mode) {
    case ProgressMode::kNever:
      return {.enabled = false, .redraw = false, .delay_s = 0, .interval_s = 0, .at_end = AtEnd::kErase};
    case ProgressMode::kAlways:
      return {.enabled = true, .redraw = true, .delay_s = 0, .interval_s = 0.25, .at_end = AtEnd::kKeep};
    case ProgressMode::kAuto:
      break;
  }
  if (terminal) return {.enabled = true, .redraw = true, .delay_s = delay_s, .interval_s = 0.25, .at_end = AtEnd::kErase};
  return {.enabled = true, .redraw = false, .delay_s = interval_s, .interval_s = interval_s, .at_end = AtEnd::kKeepIfShown};
}

ProgressDisplay::ProgressDisplay(std::FILE* err, const ProgressPolicy& policy, std::string prefix, Line line)
    : err_(err), policy_(policy), prefix_(std::move(prefix)), line_(std::move(line)), start_(Clock::now()) {
  if (policy_.enabled) thread_ = std::thread([this] { loop(); });
}

ProgressDisplay::~ProgressDisplay() { finish(); }

void ProgressDisplay::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; })) {
    const double t = elapsed();
    if (!policy_.is_due(t, last_shown_)) continue;
    lock.unlock();  // (line_ may take a moment; finish() must not wait on the lock for it)
    show(line_(t), false);
    last_shown_ = t;
    lock.lock();
  }
}

void ProgressDisplay::show(const std::string& text, bool last) {
  if (policy_.redraw) fmt::print(err_, "\r{}\x1b[K{}", text, last ? "\n" : "");
  else fmt::print(err_, "{}{}\n", prefix_, text);
  std::fflush(err_);
}

void ProgressDisplay::finish() {
  if (finished_) return;
  finished_ = true;
  if (!policy_.enabled) return;
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  using AtEnd = ProgressPolicy::AtEnd;
  if (policy_.at_end == AtEnd::kKeep || (policy_.at_end == AtEnd::kKeepIfShown && last_shown_)) {
    show(line_(elapsed()), true);
  } else if (policy_.at_end == AtEnd::kErase && last_shown_ && policy_.redraw) {
    fmt::print(err_, "\r\x1b[K");
    std::fflush(err_);
  }
}

}  // namespace eyesim::sweep
