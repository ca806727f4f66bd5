// OutputLock: one eyesim process at a time writes a given result file. Held from before a sweep, a
// `run -o` or a merge looks at OUTPUT, OUTPUT.part and OUTPUT.journal until it has renamed OUTPUT.part and
// removed the journal, so a second process started on the same -o (a `--resume` of a sweep that is still
// running, a second shard pointed at the same file) is refused before it reads, truncates or renames
// anything of the first's.
#pragma once

#include <string>

namespace eyesim::sweep {

class OutputLock {
 public:
  /// Takes the lock file OUTPUT.lock (an exclusive flock(2), released by the kernel if the process dies,
  /// so a killed sweep leaves no stale lock, only a file the next run reuses). Throws std::runtime_error
  /// naming the output and the holder's pid when another process holds it. On a file system without
  /// flock (some cluster mounts) it proceeds unlocked, as HDF5 does with HDF5_USE_FILE_LOCKING=FALSE.
  explicit OutputLock(const std::string& output);
  /// Removes OUTPUT.lock and releases it.
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace eyesim::sweep
