// `eyesim run` and `eyesim list`: one network on one architecture, printed as a per-layer table.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "hw/arch_spec.h"

namespace eyesim::tools {

struct RunArgs {
  std::string arch = "eyeriss_v2";
  std::string net = "sparse_mobilenet";
  std::uint64_t seed = 1;
  std::uint32_t batch = 1;
  bool verify = false;
  std::string format = "table";  ///< table | csv | json
};

/// A preset name. Returns nullopt for an unknown name.
std::optional<hw::ArchSpec> resolve_arch(std::string_view name);

/// Exit code: 0 ok; 1 simulation failure (mapping, verification); 2 unknown arch/net or bad format.
int run_command(const RunArgs& args, std::FILE* out, std::FILE* err);

/// `eyesim list archs|nets`. Exit code 2 for anything else.
int list_command(std::string_view what, std::FILE* out, std::FILE* err);

}  // namespace eyesim::tools
