// Shards: which design points one process of a multi-process sweep runs (`--shard k/N|auto`).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eyesim::sweep {

/// Shard `index` of `count` (0 <= index < count).
struct ShardSpec {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
  friend bool operator==(const ShardSpec&, const ShardSpec&) = default;
};

/// Where a shard came from, for messages and provenance ("SLURM_ARRAY_TASK_ID", "--shard 1/3").
struct ResolvedShard {
  ShardSpec shard;
  std::string origin;
};

/// Reads an environment variable; nullopt when unset. Injected so tests never touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment (std::getenv).
EnvLookup process_environment();

/// Parses "k/N" or "auto". For "auto" the launcher's variables are read, in this order: Slurm job arrays
/// (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or SLURM_ARRAY_TASK_MIN/MAX), Slurm tasks
/// (SLURM_PROCID, SLURM_NTASKS), Open MPI (OMPI_COMM_WORLD_RANK/SIZE), MPICH/Hydra and PMI
/// (PMI_RANK/PMI_SIZE). Throws std::invalid_argument with a message naming the text or the variables.
ResolvedShard resolve_shard(std::string_view text, const EnvLookup& env);

/// Assigns every point to a shard, balancing estimated cost (longest first to the least-loaded shard,
/// ties to the lower shard index and the lower point id). Deterministic: every process computes the
/// same assignment from the same costs. Returns, per point, its shard index.
std::vector<std::uint32_t> assign_shards(std::span<const double> point_costs, std::uint32_t shard_count);

/// The points of one shard in increasing id order.
std::vector<std::uint64_t> points_of_shard(std::span<const double> point_costs, ShardSpec shard);

/// Replaces every "{shard}" in an output path by the shard index (other text unchanged).
std::string expand_shard_pattern(std::string_view path, ShardSpec shard);

}  // namespace eyesim::sweep
