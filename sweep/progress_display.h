// ProgressDisplay: a progress line on stderr for a command whose work runs on other threads (`eyesim run`,
// `eyesim validate`), drawn by a thread of its own, with --progress auto|always|never as the sweep has it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace eyesim::sweep {

enum class ProgressMode : std::uint8_t {
  kAuto,    ///< on a terminal: a line redrawn in place once the work has taken a while, erased at the end;
            ///< otherwise: a plain line every interval, and a last one at the end if any was printed
  kAlways,  ///< a line redrawn in place from the start, whatever stderr is; the last one stays
  kNever,
};

/// "auto" | "always" | "never" (the values of --progress), or nullopt.
std::optional<ProgressMode> parse_progress_mode(std::string_view text);

/// How a display prints, decided once from the mode and whether stderr is a terminal.
struct ProgressPolicy {
  enum class AtEnd : std::uint8_t { kKeep, kErase, kKeepIfShown };
  bool enabled = true;
  bool redraw = true;        ///< "\r<line>\x1b[K" in place; otherwise one "<prefix><line>\n" per update
  double delay_s = 0;        ///< nothing is printed before
  double interval_s = 0.25;  ///< between two lines
  AtEnd at_end = AtEnd::kKeep;
  /// Whether a line is due `elapsed` seconds in, the last one shown at `last_shown` (nullopt: none yet).
  bool is_due(double elapsed, std::optional<double> last_shown) const {
    if (!enabled || elapsed < delay_s) return false;
    return !last_shown || elapsed - *last_shown >= interval_s;
  }
};

/// The policy of `mode`: with kAuto, a terminal waits `delay_s` (short runs, the common case, print
/// nothing) and redraws every 0.25 s; another stderr (a log file, CI) gets a plain line every `interval_s`,
/// the first after `interval_s`, as the sweep's (SweepOptions::progress_interval_s).
ProgressPolicy progress_policy(ProgressMode mode, bool terminal, double delay_s = 2.0, double interval_s = 10.0);

/// Draws `line(elapsed seconds)` on `err` as `policy` says, from a thread of its own that wakes every
/// 0.1 s (`line` runs there: it must only read what the workers write atomically). finish() (or the
/// destructor) stops the thread and ends the display: the last line kept or erased. The caller prints
/// nothing on `err` in between.
class ProgressDisplay {
 public:
  using Line = std::function<std::string(double elapsed)>;
  /// `prefix` starts each plain line ("eyesim: run ").
  ProgressDisplay(std::FILE* err, const ProgressPolicy& policy, std::string prefix, Line line);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  void show(const std::string& text, bool last);
  void loop();

  std::FILE* err_;
  ProgressPolicy policy_;
  std::string prefix_;
  Line line_;
  Clock::time_point start_;
  std::optional<double> last_shown_;  // the display thread's until it is joined
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace eyesim::sweep
