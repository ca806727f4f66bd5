// check_output_path: whether `eyesim run -o`, `eyesim sweep` and `eyesim merge` can write their result file,
// asked before any work. Each writes OUTPUT.part and renames it over OUTPUT at the end, so a path that cannot
// take the rename (a directory), a directory that does not exist or is not writable, or an input file named
// as the output would otherwise fail, or replace the input, only after everything was simulated.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sweep/input_file.h"

namespace eyesim::sweep {

/// The output cannot be written, or would replace an input. The message names the path and what is wrong.
class OutputPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Both paths exist and name one file (std::filesystem::equivalent: another spelling, a link).
bool same_file(const std::string& a, const std::string& b);

/// Throws OutputPathError when `output` cannot be written as a result file: it names no file, or a
/// directory; it or OUTPUT.part exists and is not a regular file; its directory does not exist or is not
/// writable; or it, OUTPUT.part, OUTPUT.lock or OUTPUT.journal is one of `inputs` (an input is never
/// replaced, --force or not). Whether an existing result file may be replaced (--force) is the caller's to
/// decide.
void check_output_path(const std::string& output, const std::vector<InputFile>& inputs);

}  // namespace eyesim::sweep
