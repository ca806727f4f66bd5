// check_output_path: the output's own path, then the inputs, then its directory.
#include "sweep/output_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace eyesim::sweep {

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

void check_output_path(const std::string& output, const std::vector<InputFile>& inputs) {
  namespace fs = std::filesystem;
  if (output.empty())
    throw OutputPathError("-o is empty; expected the result file to write (such as results.h5)");
  const fs::path path(output);
  const std::string part = output + ".part";
  std::error_code ec;
  // status() follows a link: a link to a directory is taken for the directory the user named (the rename
  // would replace the link with the file).
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::none)  // the file system refuses the name: too long, a link loop, ...
    throw OutputPathError(fmt::format("cannot use '{}' as the output: {}", output, ec.message()));
  if (fs::is_directory(status))
    throw OutputPathError(fmt::format("'{}' is a directory; expected the result file to write (such as '{}')", output,
                                      (path / "results.h5").string()));
  if (!path.has_filename())
    throw OutputPathError(fmt::format("'{}' names a directory, not a file; expected the result file to write", output));
  if (fs::exists(status) && !fs::is_regular_file(status))
    throw OutputPathError(
        fmt::format("'{}' exists and is not a regular file; expected a result file to write", output));
  for (const InputFile& in : inputs) {
    if (same_file(in.path, output))
      throw OutputPathError(fmt::format("'{}' is one of the inputs ('{}', {}); choose another -o (an input is never "
                                        "overwritten, even with --force)",
                                        output, in.path, in.role));
    if (same_file(in.path, part))
      throw OutputPathError(fmt::format("cannot write '{}': it is first written as '{}', which is one of the "
                                        "inputs ('{}', {}); choose another -o",
                                        output, part, in.path, in.role));
    // The lock file is created, truncated and removed; the journal is appended to and removed.
    for (const char* suffix : {".lock", ".journal"})
      if (same_file(in.path, output + suffix))
        throw OutputPathError(fmt::format("cannot write '{}': it keeps '{}{}' next to it, which is one of the "
                                          "inputs ('{}', {}); choose another -o",
                                          output, output, suffix, in.path, in.role));
  }
  if (const fs::file_status s = fs::status(part, ec); s.type() == fs::file_type::none)
    throw OutputPathError(fmt::format("cannot write '{}': it is first written as '{}', which cannot be used: {}", output,
                                      part, ec.message()));
  else if (fs::exists(s) && !fs::is_regular_file(s))
    throw OutputPathError(fmt::format("cannot write '{}': it is first written as '{}', which exists and is {}",
                                      output, part, fs::is_directory(s) ? "a directory" : "not a regular file"));
  for (const char* suffix : {".lock", ".journal"})  // a name a few bytes short of the file system's limit
    if (fs::status(output + suffix, ec).type() == fs::file_type::none)
      throw OutputPathError(fmt::format("cannot write '{}': it keeps '{}{}' next to it, which cannot be used: {}",
                                        output, output, suffix, ec.message()));
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const fs::file_status d = fs::status(dir, ec);
  if (d.type() == fs::file_type::not_found)
    throw OutputPathError(fmt::format("cannot write '{}': its directory '{}' does not exist", output, dir.string()));
  if (d.type() == fs::file_type::none)
    throw OutputPathError(
        fmt::format("cannot write '{}': cannot reach its directory '{}' ({})", output, dir.string(), ec.message()));
  if (!fs::is_directory(d))
    throw OutputPathError(fmt::format("cannot write '{}': '{}' is not a directory", output, dir.string()));
  // The effective user's permission to create OUTPUT.part and rename it there (a read-only file system too).
  if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    const std::error_code why(errno, std::generic_category());
    throw OutputPathError(
        fmt::format("cannot write '{}': its directory '{}' is not writable ({})", output, dir.string(), why.message()));
  }
}

}  // namespace eyesim::sweep
