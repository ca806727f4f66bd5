// check_output_path: the paths a result file cannot be written to, and inputs named as the output.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "sweep/output_path.h"

namespace eyesim::sweep {
namespace {

namespace fs = std::filesystem;

/// This test case's scratch directory, removed when it ends (ctest runs each TEST_CASE as its own process).
class ScratchDir {
 public:
  ScratchDir() : path_(fs::temp_directory_path() / fmt::format("eyesim_output_path_test_{}", ::getpid())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::permissions(path_ / "read_only", fs::perms::owner_all, ignored);
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  /// The path of `name` in the directory, created with some text when `contents` is given.
  std::string file(const std::string& name, const char* contents = nullptr) const {
    const fs::path p = path_ / name;
    if (contents) std::ofstream(p) << contents;
    return p.string();
  }

 private:
  fs::path path_;
};

/// check_output_path's message, or "" when it accepts the output.
std::string refusal(const std::string& output, const std::vector<InputFile>& inputs = {}) {
  try {
    check_output_path(output, inputs);
    return "";
  } catch (const OutputPathError& e) {
    return e.what();
  }
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a name the file system refuses is refused up front, saying why (found by helper-38)") {
    const ScratchDir dir;
    const std::string long_name = dir.file(std::string(300, 'x') + ".h5");
    CHECK(refusal(long_name) == fmt::format("cannot use '{}' as the output: File name too long", long_name));
    // Short enough itself, too long with the suffix of a file written beside it.
    const std::string near_limit = dir.file(std::string(252, 'y') + ".h5");
    CHECK(refusal(near_limit).find("which cannot be used: File name too long") != std::string::npos);
    const std::string loop = dir.file("loop.h5");
    fs::create_symlink(loop, loop);
    CHECK(refusal(loop) == fmt::format("cannot use '{}' as the output: Too many levels of symbolic links", loop));
  }

  TEST_CASE("a new file and an existing result file can be written (replacing one is the caller's --force)") {
    const ScratchDir dir;
    CHECK(refusal(dir.file("new.h5")) == "");
    CHECK(refusal(dir.file("old.h5", "an earlier result")) == "");
    CHECK(refusal(dir.file("new.h5"), {{dir.file("spec.toml", "name = \"s\""), "the sweep spec"}}) == "");
    CHECK(refusal(dir.file("new.h5"), {{dir.file("no_such_part.h5"), "a part"}}) == "");  // not there: not the output
  }

  TEST_CASE("a directory, a path without a file name and a file that is not a regular one are refused by name") {
    const ScratchDir dir;
    const std::string sub = dir.file("results");
    fs::create_directory(sub);
    CHECK(refusal(sub) == fmt::format("'{0}' is a directory; expected the result file to write (such as '{0}/results.h5')", sub));
    CHECK(refusal(sub + "/") == fmt::format("'{0}/' is a directory; expected the result file to write (such as '{0}/results.h5')", sub));
    CHECK(refusal(dir.file("not_yet/")) ==
          fmt::format("'{}' names a directory, not a file; expected the result file to write", dir.file("not_yet/")));
    CHECK(refusal("") == "-o is empty; expected the result file to write (such as results.h5)");
    CHECK(refusal("/dev/null") == "'/dev/null' exists and is not a regular file; expected a result file to write");
    // The file is first written as OUTPUT.part: a directory there cannot be created as a file.
    fs::create_directory(dir.file("blocked.h5.part"));
    CHECK(refusal(dir.file("blocked.h5")) ==
          fmt::format("cannot write '{0}': it is first written as '{0}.part', which exists and is a directory",
                      dir.file("blocked.h5")));
  }

  TEST_CASE("a directory that does not exist, is a file or is not writable is refused, naming it") {
    const ScratchDir dir;
    const std::string missing = dir.file("missing") + "/x.h5";
    CHECK(refusal(missing) == fmt::format("cannot write '{}': its directory '{}' does not exist", missing, dir.file("missing")));
    const std::string file = dir.file("plain.toml", "name = \"n\"");
    CHECK(refusal(file + "/x.h5") == fmt::format("cannot write '{0}/x.h5': '{0}' is not a directory", file));
    const std::string read_only = dir.file("read_only");
    fs::create_directory(read_only);
    fs::permissions(read_only, fs::perms::owner_read | fs::perms::owner_exec);
    if (::geteuid() == 0) {
      MESSAGE("skipped the read-only directory: root may write into it");
    } else {
      CHECK(refusal(read_only + "/x.h5") ==
            fmt::format("cannot write '{0}/x.h5': its directory '{0}' is not writable (Permission denied)", read_only));
    }
  }

  TEST_CASE("an input named as the output, under any spelling, or as the file it is first written as, is refused") {
    const ScratchDir dir;
    const std::string spec = dir.file("spec.toml", "name = \"s\"");
    const std::string mask = dir.file("mask.txt", "0110");
    const std::vector<InputFile> inputs{{spec, "the sweep spec"}, {mask, "the weight mask of layer 'conv1'"}};
    CHECK(refusal(spec, inputs) == fmt::format("'{0}' is one of the inputs ('{0}', the sweep spec); choose another -o "
                                               "(an input is never overwritten, even with --force)",
                                               spec));
    const std::string other_spelling = dir.file("./mask.txt");
    CHECK(refusal(other_spelling, inputs) ==
          fmt::format("'{}' is one of the inputs ('{}', the weight mask of layer 'conv1'); choose another -o (an input is "
                      "never overwritten, even with --force)",
                      other_spelling, mask));
    const std::string link = dir.file("link.toml");
    fs::create_symlink(spec, link);
    CHECK(refusal(link, inputs).starts_with(fmt::format("'{}' is one of the inputs ('{}', the sweep spec)", link, spec)));
    const std::string part = dir.file("p0.h5.part", "a part written by hand");
    CHECK(refusal(dir.file("p0.h5"), {{part, "a part"}}) ==
          fmt::format("cannot write '{0}': it is first written as '{1}', which is one of the inputs ('{1}', a part); "
                      "choose another -o",
                      dir.file("p0.h5"), part));
    // The lock file is truncated and removed, the journal appended to and removed (found by helper-37: a
    // spec named s.h5.lock swept into s.h5 was deleted).
    for (const char* suffix : {".lock", ".journal"}) {
      const std::string beside = dir.file(std::string("s.h5") + suffix, "name = \"s\"");
      CHECK(refusal(dir.file("s.h5"), {{beside, "the sweep spec"}}) ==
            fmt::format("cannot write '{0}': it keeps '{1}' next to it, which is one of the inputs ('{1}', the sweep "
                        "spec); choose another -o",
                        dir.file("s.h5"), beside));
    }
  }

  TEST_CASE("same_file: two spellings of one file, not two files nor a file that does not exist") {
    const ScratchDir dir;
    const std::string a = dir.file("a.h5", "a"), b = dir.file("b.h5", "b");
    CHECK(same_file(a, dir.file("./a.h5")));
    CHECK_FALSE(same_file(a, b));
    CHECK_FALSE(same_file(a, dir.file("c.h5")));
    CHECK_FALSE(same_file(dir.file("c.h5"), dir.file("c.h5")));
  }
}

}  // namespace eyesim::sweep
