// `eyesim merge`: checks the parts, merges them and reports what was written.
#include "tools/merge_command.h"

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "sweep/hdf5_file.h"
#include "sweep/merge.h"
#include "sweep/output_path.h"
#include "sweep/result_reader.h"

namespace eyesim::tools {

int merge_command(const MergeArgs& args, std::FILE* out, std::FILE* err) {
  // A path the file cannot be written to, or one of the parts, before --force is considered (merge_results
  // checks it again).
  std::vector<sweep::InputFile> parts;
  for (const std::string& p : args.parts) parts.push_back({p, "a part"});
  try {
    sweep::check_output_path(args.output, parts);
  } catch (const sweep::OutputPathError& e) {
    fmt::print(err, "eyesim merge: error: {}\n", e.what());
    return 2;
  }
  if (std::filesystem::exists(args.output) && !args.force) {
    fmt::print(err, "eyesim merge: error: '{}' exists; choose another -o or pass --force to overwrite it\n", args.output);
    return 2;
  }
  sweep::MergeOptions options;
  options.allow_partial = args.allow_partial;
  options.command_line = args.command_line;
  options.version = args.version;
  try {
    const sweep::MergeOutcome r = sweep::merge_results(args.parts, args.output, options);
    fmt::print(out, "merged {} part{}: {} of {} points{} -> {}\n", r.parts, r.parts == 1 ? "" : "s", r.points, r.points_total,
               r.failed ? fmt::format(" ({} failed in their sweep)", r.failed) : "", args.output);
    if (!r.missing.empty())
      fmt::print(err, "eyesim merge: warning: {} {} missing ({}); recorded in the attribute missing_points and "
                      "complete = \"false\"\n",
                 r.missing.size(), r.missing.size() == 1 ? "point is" : "points are", sweep::format_id_ranges(r.missing));
    return 0;
  } catch (const sweep::MergeError& e) {
    fmt::print(err, "eyesim merge: error: {}\n", e.what());
    return 2;
  } catch (const sweep::ResultFileError& e) {
    fmt::print(err, "eyesim merge: error: {}\n", e.what());
    return 2;
  } catch (const sweep::OutputPathError& e) {
    fmt::print(err, "eyesim merge: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // I/O: a part unreadable midway, the output unwritable
    fmt::print(err, "eyesim merge: error: {}\n", e.what());
    return 1;
  }
}

}  // namespace eyesim::tools
