// Shards: parsing, launcher environments, the cost-balanced deterministic split, {shard} paths.
#include <doctest/doctest.h>

#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>

#include "sweep/shard.h"

namespace eyesim::sweep {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("an explicit k/N shard is parsed and checked") {
    const auto none = fake_env({});
    CHECK(resolve_shard("2/5", none).shard == ShardSpec{2, 5});
    CHECK(resolve_shard("0/1", none).shard == ShardSpec{0, 1});
    CHECK_THROWS_WITH_AS(resolve_shard("5/5", none), doctest::Contains("not below the shard count"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(resolve_shard("1/0", none), doctest::Contains("must be in [1, 1000000]"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(resolve_shard("two/4", none), doctest::Contains("expected k/N"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(resolve_shard("3", none), doctest::Contains("got '3'"), std::invalid_argument);
  }

  TEST_CASE("--shard auto reads a Slurm job array / counting from SLURM_ARRAY_TASK_MIN") {
    CHECK(resolve_shard("auto", fake_env({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})).shard ==
          ShardSpec{3, 4});
    CHECK(resolve_shard("auto", fake_env({{"SLURM_ARRAY_TASK_ID", "7"},
                                          {"SLURM_ARRAY_TASK_MIN", "5"},
                                          {"SLURM_ARRAY_TASK_MAX", "8"}}))
              .shard == ShardSpec{2, 4});
    CHECK_THROWS_WITH_AS(resolve_shard("auto", fake_env({{"SLURM_ARRAY_TASK_ID", "1"}})),
                         doctest::Contains("SLURM_ARRAY_TASK_COUNT"), std::invalid_argument);
  }

  TEST_CASE("--shard auto numbers a stepped Slurm job array's tasks by the step, and refuses a list of task ids") {
    // --array=0-14:2: tasks 0, 2, ..., 14 are shards 0..7 (task 14 was "shard index 14 is not below the shard
    // count 8", and shards 1, 3, 5, 7 never ran; found by helper-50).
    const auto task = [](const char* id) {
      return fake_env({{"SLURM_ARRAY_TASK_ID", id},
                       {"SLURM_ARRAY_TASK_MIN", "0"},
                       {"SLURM_ARRAY_TASK_MAX", "14"},
                       {"SLURM_ARRAY_TASK_STEP", "2"},
                       {"SLURM_ARRAY_TASK_COUNT", "8"}});
    };
    CHECK(resolve_shard("auto", task("0")).shard == ShardSpec{0, 8});
    CHECK(resolve_shard("auto", task("6")).shard == ShardSpec{3, 8});
    CHECK(resolve_shard("auto", task("14")).shard == ShardSpec{7, 8});
    CHECK(resolve_shard("auto", task("14")).origin == "SLURM_ARRAY_TASK_ID=14 (min 0, step 2, count 8)");
    CHECK_THROWS_WITH_AS(resolve_shard("auto", task("5")), doctest::Contains("not on the job array's step 2 from 0"),
                         std::invalid_argument);
    // --array=1,3,7: three tasks over ids 1..7.
    CHECK_THROWS_WITH_AS(resolve_shard("auto", fake_env({{"SLURM_ARRAY_TASK_ID", "3"},
                                                         {"SLURM_ARRAY_TASK_MIN", "1"},
                                                         {"SLURM_ARRAY_TASK_MAX", "7"},
                                                         {"SLURM_ARRAY_TASK_COUNT", "3"}})),
                         doctest::Contains("tasks are not the range 1-7:1 (a list of task ids?)"), std::invalid_argument);
  }

  TEST_CASE("--shard auto reads Slurm tasks / Open MPI and PMI / in that order") {
    CHECK(resolve_shard("auto", fake_env({{"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "3"}})).shard == ShardSpec{1, 3});
    CHECK(resolve_shard("auto", fake_env({{"OMPI_COMM_WORLD_RANK", "2"}, {"OMPI_COMM_WORLD_SIZE", "3"}})).shard ==
          ShardSpec{2, 3});
    CHECK(resolve_shard("auto", fake_env({{"PMI_RANK", "0"}, {"PMI_SIZE", "2"}})).shard == ShardSpec{0, 2});
    const auto both = fake_env({{"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "2"}, {"PMI_RANK", "0"}, {"PMI_SIZE", "5"}});
    CHECK(resolve_shard("auto", both).shard == ShardSpec{1, 2});
    CHECK(resolve_shard("auto", both).origin.find("SLURM_PROCID") != std::string::npos);
  }

  TEST_CASE("--shard auto without launcher variables names every variable it looked for") {
    std::string message;
    try {
      resolve_shard("auto", fake_env({}));
    } catch (const std::invalid_argument& e) {
      message = e.what();
    }
    for (const char* var : {"SLURM_ARRAY_TASK_ID", "SLURM_PROCID", "OMPI_COMM_WORLD_RANK", "PMI_RANK"}) {
      CHECK_MESSAGE(message.find(var) != std::string::npos, var);
    }
    CHECK_THROWS_WITH_AS(resolve_shard("auto", fake_env({{"OMPI_COMM_WORLD_RANK", "x"}, {"OMPI_COMM_WORLD_SIZE", "2"}})),
                         doctest::Contains("not a whole number"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(resolve_shard("auto", fake_env({{"PMI_RANK", "1"}})), doctest::Contains("PMI_SIZE is not"),
                         std::invalid_argument);
  }

  TEST_CASE("every point goes to exactly one shard and the split balances cost / not count") {
    // One huge point and many small ones: a count-balanced split would put the huge one with half the rest.
    std::vector<double> costs(21, 1.0);
    costs[4] = 20.0;
    const auto owner = assign_shards(costs, 2);
    double load[2] = {0, 0};
    for (std::size_t p = 0; p < costs.size(); ++p) load[owner[p]] += costs[p];
    CHECK(load[0] == 20.0);
    CHECK(load[1] == 20.0);
    std::set<std::uint64_t> seen;
    for (std::uint32_t k = 0; k < 3; ++k) {
      for (auto p : points_of_shard(costs, ShardSpec{k, 3})) CHECK(seen.insert(p).second);
    }
    CHECK(seen.size() == costs.size());
  }

  TEST_CASE("the split is deterministic and the points of a shard come in increasing id order") {
    std::vector<double> costs(100);
    for (std::size_t i = 0; i < costs.size(); ++i) costs[i] = static_cast<double>((i * 37) % 11 + 1);
    CHECK(assign_shards(costs, 4) == assign_shards(costs, 4));
    const auto pts = points_of_shard(costs, ShardSpec{1, 4});
    CHECK(std::is_sorted(pts.begin(), pts.end()));
    CHECK(points_of_shard(costs, ShardSpec{0, 1}).size() == 100);
  }

  TEST_CASE("{shard} in an output path becomes the shard index") {
    CHECK(expand_shard_pattern("part-{shard}.h5", ShardSpec{3, 8}) == "part-3.h5");
    CHECK(expand_shard_pattern("out/{shard}/r-{shard}.h5", ShardSpec{0, 2}) == "out/0/r-0.h5");
    CHECK(expand_shard_pattern("plain.h5", ShardSpec{1, 2}) == "plain.h5");
  }
}

}  // namespace eyesim::sweep
