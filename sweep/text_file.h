// read_text_file: a whole file as text, or a SpecError naming it.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "sweep/spec_error.h"

namespace eyesim::sweep {

/// The contents of `path`; throws SpecError "path: error: cannot read the <what>: <why>" when unreadable.
inline std::string read_text_file(const std::filesystem::path& path, std::string_view what) {
  // A directory opens as a stream that reads as empty: an empty architecture file is the default preset,
  // so `--arch configs.toml/` would silently simulate eyeriss_v2.
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    throw SpecError(path.string(), 0, 0, fmt::format("cannot read the {}: it is a directory", what));
  std::ifstream in(path);
  if (!in) {
    const int error = errno;  // set by the failed open
    std::error_code ec;
    throw SpecError(path.string(), 0, 0,
                    fmt::format("cannot read the {}: {}", what,
                                std::filesystem::exists(path, ec) ? std::strerror(error) : "no such file"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace eyesim::sweep
