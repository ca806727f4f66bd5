// Shard parsing (including launcher environments) and the cost-balanced point split.
#include "sweep/shard.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace eyesim::sweep {
namespace {

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

ShardSpec checked(std::uint64_t index, std::uint64_t count, std::string_view origin) {
  if (count == 0 || count > 1'000'000)
    throw std::invalid_argument(fmt::format("{}: shard count must be in [1, 1000000] (got {})", origin, count));
  if (index >= count)
    throw std::invalid_argument(fmt::format("{}: shard index {} is not below the shard count {}", origin, index, count));
  return ShardSpec{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(count)};
}

/// Reads a variable that must hold a whole number; nullopt when unset.
std::optional<std::uint64_t> env_uint(const EnvLookup& env, std::string_view name) {
  const auto text = env(name);
  if (!text) return std::nullopt;
  const auto v = parse_uint(*text);
  if (!v) throw std::invalid_argument(fmt::format("--shard auto: {}='{}' is not a whole number", name, *text));
  return v;
}

std::optional<ResolvedShard> from_pair(const EnvLookup& env, std::string_view rank, std::string_view size) {
  const auto r = env_uint(env, rank);
  const auto n = env_uint(env, size);
  if (!r && !n) return std::nullopt;
  if (!r || !n)
    throw std::invalid_argument(fmt::format("--shard auto: {} is set but {} is not", r ? rank : size, r ? size : rank));
  const std::string origin = fmt::format("{}={} {}={}", rank, *r, size, *n);
  return ResolvedShard{checked(*r, *n, origin), origin};
}

}  // namespace

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    if (const char* v = std::getenv(key.c_str())) return std::string(v);
    return std::nullopt;
  };
}

ResolvedShard resolve_shard(std::string_view text, const EnvLookup& env) {
  if (text != "auto") {
    const auto slash = text.find('/');
    const auto k = slash == std::string_view::npos ? std::nullopt : parse_uint(text.substr(0, slash));
    const auto n = slash == std::string_view::npos ? std::nullopt : parse_uint(text.substr(slash + 1));
    if (!k || !n)
      throw std::invalid_argument(fmt::format("--shard: expected k/N (e.g. 0/4) or auto (got '{}')", text));
    const std::string origin = fmt::format("--shard {}", text);
    return ResolvedShard{checked(*k, *n, origin), origin};
  }
  // Slurm job array: task ids run from MIN to MAX in steps of STEP (not necessarily from 0, nor by 1).
  if (const auto task = env_uint(env, "SLURM_ARRAY_TASK_ID")) {
    const auto min = env_uint(env, "SLURM_ARRAY_TASK_MIN").value_or(0);
    const auto step = env_uint(env, "SLURM_ARRAY_TASK_STEP").value_or(1);
    if (step == 0) throw std::invalid_argument("--shard auto: SLURM_ARRAY_TASK_STEP is 0");
    std::optional<std::uint64_t> count = env_uint(env, "SLURM_ARRAY_TASK_COUNT");
    if (const auto max = env_uint(env, "SLURM_ARRAY_TASK_MAX")) {
      if (*max < min) throw std::invalid_argument("--shard auto: SLURM_ARRAY_TASK_MAX is below SLURM_ARRAY_TASK_MIN");
      const std::uint64_t spanned = (*max - min) / step + 1;
      // A list of task ids (--array=1,3,7) is not a range: its ids do not number the shards.
      if (count && *count != spanned)
        throw std::invalid_argument(fmt::format(
            "--shard auto: the job array's {} tasks are not the range {}-{}:{} (a list of task ids?); give each task "
            "--shard k/N",
            *count, min, *max, step));
      count = spanned;
    }
    if (!count)
      throw std::invalid_argument(
          "--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is");
    if (*task < min) throw std::invalid_argument("--shard auto: SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN");
    if ((*task - min) % step != 0)
      throw std::invalid_argument(fmt::format(
          "--shard auto: SLURM_ARRAY_TASK_ID={} is not on the job array's step {} from {}", *task, step, min));
    const std::string origin = fmt::format("SLURM_ARRAY_TASK_ID={} (min {}, {}count {})", *task, min,
                                           step > 1 ? fmt::format("step {}, ", step) : "", *count);
    return ResolvedShard{checked((*task - min) / step, *count, origin), origin};
  }
  if (auto s = from_pair(env, "SLURM_PROCID", "SLURM_NTASKS")) return *s;
  if (auto s = from_pair(env, "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE")) return *s;
  if (auto s = from_pair(env, "PMI_RANK", "PMI_SIZE")) return *s;
  throw std::invalid_argument(
      "--shard auto: no launcher variables found; looked for SLURM_ARRAY_TASK_ID (+ SLURM_ARRAY_TASK_COUNT or "
      "SLURM_ARRAY_TASK_MIN/MAX), SLURM_PROCID/SLURM_NTASKS, OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE and "
      "PMI_RANK/PMI_SIZE; use --shard k/N to choose explicitly");
}

std::vector<std::uint32_t> assign_shards(std::span<const double> point_costs, std::uint32_t shard_count) {
  std::vector<std::uint64_t> order(point_costs.size());
  std::iota(order.begin(), order.end(), std::uint64_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint64_t a, std::uint64_t b) { return point_costs[a] > point_costs[b]; });
  std::vector<double> load(shard_count, 0.0);
  std::vector<std::uint32_t> owner(point_costs.size(), 0);
  for (const std::uint64_t p : order) {
    const auto lightest = static_cast<std::uint32_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[p] = lightest;
    load[lightest] += point_costs[p];
  }
  return owner;
}

std::vector<std::uint64_t> points_of_shard(std::span<const double> point_costs, ShardSpec shard) {
  const auto owner = assign_shards(point_costs, shard.count);
  std::vector<std::uint64_t> points;
  for (std::uint64_t p = 0; p < owner.size(); ++p) {
    if (owner[p] == shard.index) points.push_back(p);
  }
  return points;
}

std::string expand_shard_pattern(std::string_view path, ShardSpec shard) {
  std::string out;
  constexpr std::string_view kToken = "{shard}";
  std::size_t pos = 0;
  for (;;) {
    const std::size_t hit = path.find(kToken, pos);
    out.append(path.substr(pos, hit - pos));
    if (hit == std::string_view::npos) break;
    out += std::to_string(shard.index);
    pos = hit + kToken.size();
  }
  return out;
}

}  // namespace eyesim::sweep
