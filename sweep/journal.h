// Journal: an append-only file of completed design points next to the result file (out.h5.journal).
// Every record is flushed to the OS as soon as it is written, so a `kill -9` loses no completed point;
// `--resume` reads it back (a truncated last record is ignored) and the result file is rebuilt. The
// header names the spec (its hash) and the eyesim version that wrote the records: their rows are raw
// bytes in that version's layout, and a resumed file must not mix two versions' models.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sweep/result_tables.h"

namespace eyesim::sweep {

class Journal {
 public:
  /// Opens for appending; a new file gets a header with `spec_hash` and `version` (e.g. "eyesim 0.1.0
  /// (git abc)"). An existing file (the caller has read it and checked both) is first cut to
  /// `valid_bytes`, its Contents::valid_bytes: a record torn by a kill would otherwise stay in front of
  /// every record appended now, and read() stops at it.
  Journal(const std::string& path, std::uint64_t spec_hash, const std::string& version, std::uint64_t valid_bytes = 0);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void append(const PointRecord& r);
  /// Removes the file (after the result file is complete).
  void remove();

  struct Contents {
    std::uint64_t spec_hash = 0;
    std::string version;  ///< of the eyesim that wrote it
    std::vector<PointRecord> records;
    std::uint64_t valid_bytes = 0;  ///< the header and every complete record: what a resumed sweep appends to
  };
  /// Reads a journal; throws std::runtime_error when the file is not a journal or one of an older format.
  static Contents read(const std::string& path);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace eyesim::sweep
