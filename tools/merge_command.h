// `eyesim merge`: join the HDF5 parts of a sharded sweep into one file equal to a single-process run.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace eyesim::tools {

struct MergeArgs {
  std::vector<std::string> parts;  ///< part files, any order
  std::string output;
  bool allow_partial = false;      ///< merge what is there and record what is missing
  bool force = false;              ///< overwrite an existing output file
  std::string command_line;
  std::string version;
};

/// Exit code: 0 ok; 1 a part cannot be read or the output cannot be written; 2 the parts do not
/// belong together (different spec or version, missing or duplicated points, not eyesim files).
int merge_command(const MergeArgs& args, std::FILE* out, std::FILE* err);

}  // namespace eyesim::tools
