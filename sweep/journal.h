// Journal: an append-only file of completed design points next to the result file (out.h5.journal).
// Every record is flushed to the OS as soon as it is written, so a `kill -9` loses no completed point;
// `--resume` scans it (a truncated last record is ignored) and the result file is rebuilt, each record read
// back when the writer reaches its point, so a journal larger than memory can be resumed. The
// header names the spec (its hash), the shard whose points it holds, and the eyesim version that wrote the
// records: their rows are that version's table rows (coded, byte for byte), and a resumed file must not mix
// two versions' models.
#pragma once

#include <cstdint>
#include <cstdio>
#include <istream>
#include <string>
#include <vector>

#include "sweep/result_tables.h"
#include "sweep/shard.h"

namespace eyesim::sweep {

class Journal {
 public:
  /// Opens for appending; a new file gets a header with `spec_hash`, `shard` (the points it may hold) and
  /// `version` (e.g. "eyesim 0.1.0 (git abc)"). An existing file (the caller has read it and checked both) is first cut to
  /// `valid_bytes`, its Contents::valid_bytes: a record torn by a kill would otherwise stay in front of
  /// every record appended now, and read() stops at it.
  Journal(const std::string& path, std::uint64_t spec_hash, ShardSpec shard, const std::string& version,
          std::uint64_t valid_bytes = 0);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void append(const PointRecord& r);
  /// Removes the file (after the result file is complete).
  void remove();

  /// A complete record: its point, whether the point succeeded, and where the record starts in the file.
  struct Entry {
    std::uint64_t point_id = 0;
    bool ok = true;
    std::uint64_t offset = 0;
  };
  struct Contents {
    std::uint64_t spec_hash = 0;
    ShardSpec shard;      ///< of the run that wrote it
    std::string version;  ///< of the eyesim that wrote it
    std::vector<Entry> entries;  ///< in the file's order (the order the points finished)
    std::uint64_t valid_bytes = 0;  ///< the header and every complete record: what a resumed sweep appends to
  };
  /// Reads a journal through, one record at a time, checking each record's checksum; keeps where each
  /// complete record is, not the records. Throws std::runtime_error when the file is not a journal or one
  /// of an older format.
  static Contents scan(const std::string& path);
  /// The record of `entry` (from scan() of the journal `path`, opened as `in`); throws std::runtime_error
  /// naming the file when the bytes there are no longer that record.
  static PointRecord load(std::istream& in, const std::string& path, const Entry& entry);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<std::uint8_t> coded_;  ///< a record's coded traces (kept: no allocation per record)
  std::vector<std::uint8_t> coded_run_, coded_layers_;  ///< its coded run row and layer rows (kept too)
};

}  // namespace eyesim::sweep
