// OutputLock: see output_lock.h.
#include "sweep/output_lock.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace eyesim::sweep {
namespace {

/// The pid a holder wrote into the lock file, or "" when it cannot be read.
std::string holder_of(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string s(buf, static_cast<std::size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

OutputLock::OutputLock(const std::string& output) : path_(output + ".lock") {
  // A holder removes the file as it releases it, so a lock taken on a file that is no longer at path_ (its
  // holder removed it between our open and our flock) protects nothing: take the one now there instead.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw std::runtime_error(fmt::format("cannot create the lock file '{}' next to the output: {}", path_,
                                           std::strerror(errno)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      if (error == EWOULDBLOCK) {
        const std::string pid = holder_of(fd);
        ::close(fd);
        throw std::runtime_error(fmt::format(
            "'{}' is being written by another eyesim process{} (it holds '{}'); wait for it to finish, stop it "
            "(a sweep then continues with --resume), or choose another -o",
            output, pid.empty() ? "" : " (pid " + pid + ")", path_));
      }
      // No flock on this file system (ENOLCK, EINVAL, EOPNOTSUPP): go on without the lock.
      ::close(fd);
      ::unlink(path_.c_str());
      return;
    }
    struct stat held {}, now {};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &now) == 0 && held.st_dev == now.st_dev &&
        held.st_ino == now.st_ino) {
      fd_ = fd;
      const std::string pid = fmt::format("{}\n", ::getpid());
      const bool written = ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) > 0;
      (void)written;  // the pid only serves another process's message; the lock holds without it
      return;
    }
    ::close(fd);  // removed or replaced by its last holder meanwhile: try the file now at path_
  }
  throw std::runtime_error(fmt::format("cannot take the lock file '{}': it keeps being replaced", path_));
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // before unlocking: a waiter that opened it retries on the new file
  ::close(fd_);
}

}  // namespace eyesim::sweep
