// Journal records: [magic][id][ok][layer count][run row: raw size, coded size, coded][layer rows: the same]
// [PE counts][port counts][traces: count, coded size, coded][checksum] (row_coding and trace_coding below).
#include "sweep/journal.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "core/rng.h"

namespace eyesim::sweep {
namespace {

// Format 6: the magic, the spec hash, the shard (index, count: u32 each), then the writer's version (u32
// length + bytes), then records (checksum over 8-byte words), their traces coded (trace_coding below) and
// their rows coded (row_coding below). Older formats are refused with a message rather than silently read
// as empty: format 1 (a byte-wise FNV checksum), format 2 (no version: its rows may be in another layout,
// which nothing could tell), format 3 (traces as raw 64-bit words), format 4 (rows as raw bytes) and format
// 5 (no shard: a journal of shard 0/4 was taken up by a run of shard 0/1).
constexpr char kHeader[8] = {'E', 'Y', 'E', 'S', 'I', 'M', 'J', '6'};
constexpr char kHeaderPrefix[7] = {'E', 'Y', 'E', 'S', 'I', 'M', 'J'};
constexpr std::uint32_t kMaxVersionBytes = 4096;
constexpr std::uint32_t kRecordMagic = 0x52454331;

// trace_coding: a record's traces are counters of neighbouring PEs and ports (busy cycles, stalls, MACs,
// bits), stored as 64-bit words in the result tables but mostly a few thousand apart from their neighbour.
// The journal keeps each as the difference from the value before it, zigzag-mapped to an unsigned number
// (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...) and written 7 bits per byte, low bits first, the high bit set on
// every byte but the last: about 2 bytes a value instead of 8.
void code_traces(const std::vector<std::uint64_t>& values, std::vector<std::uint8_t>& out) {
  out.clear();
  std::uint64_t previous = 0;
  for (const std::uint64_t v : values) {
    const std::uint64_t delta = v - previous;  // modulo 2^64: any two values
    previous = v;
    std::uint64_t z = (delta << 1) ^ (0 - (delta >> 63));  // zigzag of the delta read as signed
    while (z >= 0x80) {
      out.push_back(static_cast<std::uint8_t>(z | 0x80));
      z >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(z));
  }
}

/// The `count` values coded in `bytes`; false when the bytes do not hold exactly that many.
bool decode_traces(const std::uint8_t* bytes, std::size_t n, std::uint64_t count, std::vector<std::uint64_t>& out) {
  out.clear();
  out.reserve(count);
  std::uint64_t previous = 0;
  std::size_t i = 0;
  for (std::uint64_t k = 0; k < count; ++k) {
    std::uint64_t z = 0;
    for (int shift = 0;; shift += 7) {
      if (i == n || shift > 63) return false;
      const std::uint8_t b = bytes[i++];
      z |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) break;
    }
    previous += (z >> 1) ^ (0 - (z & 1));
    out.push_back(previous);
  }
  return i == n;
}

// row_coding: a record's run row and layer rows are the result tables' rows as raw bytes: 64-bit counters
// with zero high bytes, zero-padded names, and layer rows much like the row before. Each byte is XOR-ed
// with the byte one row before it (`stride` bytes back: the layer row's size; 0 for the run row), then a
// run of zero bytes is written as a 0 byte and its length (1-127) and any other byte as itself. The 28
// layer rows of a sparse MobileNet point take 17.6 kB raw and about 8 kB coded. A run's length is at most
// 127, so the coded bytes expand at most 64-fold: a record claiming more is not a record.
constexpr std::uint64_t kMaxRowExpansion = 64;
constexpr std::uint8_t kMaxZeroRun = 127;

void code_rows(const std::vector<std::byte>& raw, std::size_t stride, std::vector<std::uint8_t>& out) {
  out.clear();
  const auto byte_at = [&](std::size_t i) {
    const auto b = static_cast<std::uint8_t>(raw[i]);
    return stride > 0 && i >= stride ? static_cast<std::uint8_t>(b ^ static_cast<std::uint8_t>(raw[i - stride])) : b;
  };
  for (std::size_t i = 0; i < raw.size();) {
    if (const std::uint8_t b = byte_at(i); b != 0) {
      out.push_back(b);
      ++i;
      continue;
    }
    std::uint8_t run = 0;
    while (i < raw.size() && run < kMaxZeroRun && byte_at(i) == 0) {
      ++run;
      ++i;
    }
    out.push_back(0);
    out.push_back(run);
  }
}

/// The `raw_bytes` rows coded in `bytes`; false when the bytes do not decode to exactly that many.
bool decode_rows(const std::uint8_t* bytes, std::size_t n, std::uint64_t raw_bytes, std::size_t stride,
                 std::vector<std::byte>& out) {
  out.clear();
  if (raw_bytes > kMaxRowExpansion * n) return false;
  out.reserve(raw_bytes);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t run = 1;
    std::uint8_t b = bytes[i];
    if (b == 0) {
      if (i + 1 == n || bytes[i + 1] == 0 || bytes[i + 1] > kMaxZeroRun) return false;
      run = bytes[++i];
    }
    if (run > raw_bytes - out.size()) return false;
    for (; run > 0; --run) {
      const std::size_t at = out.size();
      const std::uint8_t before = stride > 0 && at >= stride ? static_cast<std::uint8_t>(out[at - stride]) : 0;
      out.push_back(static_cast<std::byte>(b ^ before));
    }
  }
  return out.size() == raw_bytes;
}

/// The distance between a layer row and the next in a record's layer rows (0: none to XOR with).
std::size_t layer_stride(std::uint64_t layer_bytes, std::uint32_t n_layers) {
  return n_layers > 0 && layer_bytes % n_layers == 0 ? static_cast<std::size_t>(layer_bytes / n_layers) : 0;
}

class Reader {
 public:
  Reader(const std::vector<char>& data, std::size_t pos) : data_(data), pos_(pos) {}
  template <class T>
  bool get(T& v) {
    if (pos_ + sizeof(T) > data_.size()) return false;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  template <class T>
  bool get_vector(std::vector<T>& v) {
    std::uint64_t n = 0;
    if (!get(n) || n > (data_.size() - pos_) / sizeof(T)) return false;
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));  // empty: data() may be null
    pos_ += n * sizeof(T);
    return true;
  }
  std::size_t pos() const { return pos_; }

 private:
  const std::vector<char>& data_;
  std::size_t pos_;
};

/// checksum() over a record given in pieces (append writes them without concatenating the record),
/// with the same result: whole 8-byte words of the concatenation, then the zero-padded tail.
class StreamChecksum {
 public:
  explicit StreamChecksum(std::size_t total) : h_(0x6a09e667f3bcc909ULL ^ total) {}
  void add(const std::byte* p, std::size_t n) {
    if (carried_ > 0) {
      const std::size_t take = std::min(n, 8 - carried_);
      std::memcpy(carry_ + carried_, p, take);
      carried_ += take;
      p += take;
      n -= take;
      if (carried_ < 8) return;
      step(carry_);
      carried_ = 0;
    }
    for (; n >= 8; p += 8, n -= 8) step(p);
    std::memcpy(carry_, p, n);
    carried_ = n;
  }
  std::uint64_t finish() {
    std::memset(carry_ + carried_, 0, 8 - carried_);
    step(carry_);
    return splitmix64(h_);
  }

 private:
  void step(const std::byte* word) {
    std::uint64_t w;
    std::memcpy(&w, word, 8);
    h_ = std::rotl(h_ ^ (w * 0x9e3779b97f4a7c15ULL), 29) * 0xbf58476d1ce4e5b9ULL;
  }
  std::uint64_t h_;
  std::byte carry_[8] = {};
  std::size_t carried_ = 0;
};

/// A 64-bit checksum of a record, 8 bytes per step (a byte-wise hash cost 0.2 ms per 160 kB record
/// on the writer thread). Detects records cut short or garbled by a kill; not cryptographic.
std::uint64_t checksum(const std::byte* p, std::size_t n) {
  std::uint64_t h = 0x6a09e667f3bcc909ULL ^ n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = std::rotl(h ^ (w * 0x9e3779b97f4a7c15ULL), 29) * 0xbf58476d1ce4e5b9ULL;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, p + i, n - i);
  h = std::rotl(h ^ (tail * 0x9e3779b97f4a7c15ULL), 29) * 0xbf58476d1ce4e5b9ULL;
  return splitmix64(h);
}

}  // namespace

Journal::Journal(const std::string& path, std::uint64_t spec_hash, ShardSpec shard, const std::string& version,
                 std::uint64_t valid_bytes)
    : path_(path) {
  const bool fresh = !std::ifstream(path).good();
  if (!fresh && valid_bytes > 0 && std::filesystem::file_size(path) > valid_bytes) std::filesystem::resize_file(path, valid_bytes);
  file_ = std::fopen(path.c_str(), "ab");
  if (!file_) throw std::runtime_error(fmt::format("cannot write the sweep journal '{}' ({})", path, std::strerror(errno)));
  if (fresh) {
    const std::uint32_t version_bytes = static_cast<std::uint32_t>(std::min<std::size_t>(version.size(), kMaxVersionBytes));
    const bool written = std::fwrite(kHeader, 1, sizeof kHeader, file_) == sizeof kHeader &&
                         std::fwrite(&spec_hash, sizeof spec_hash, 1, file_) == 1 &&
                         std::fwrite(&shard.index, sizeof shard.index, 1, file_) == 1 &&
                         std::fwrite(&shard.count, sizeof shard.count, 1, file_) == 1 &&
                         std::fwrite(&version_bytes, sizeof version_bytes, 1, file_) == 1 &&
                         std::fwrite(version.data(), 1, version_bytes, file_) == version_bytes;
    if (!written || std::fflush(file_) != 0) {
      const int error = errno;
      std::fclose(file_);
      file_ = nullptr;
      throw std::runtime_error(fmt::format("cannot write the sweep journal '{}' ({})", path, std::strerror(error)));
    }
  }
}

Journal::~Journal() {
  if (file_) std::fclose(file_);
}

void Journal::append(const PointRecord& r) {
  // The record's fields and vectors as pieces, written and checksummed in place (no copy of the
  // traces into one buffer).
  struct Piece {
    const void* data;
    std::size_t bytes;
  };
  const std::uint32_t magic = kRecordMagic;
  const std::uint8_t ok = r.ok ? 1 : 0;
  code_traces(r.traces, coded_);
  code_rows(r.run_row, 0, coded_run_);
  code_rows(r.layer_rows, layer_stride(r.layer_rows.size(), r.n_layers), coded_layers_);
  const std::uint64_t sizes[8] = {r.run_row.size(),   coded_run_.size(),   r.layer_rows.size(), coded_layers_.size(),
                                  r.pe_counts.size(), r.port_counts.size(), r.traces.size(),     coded_.size()};
  const Piece pieces[] = {
      {&magic, sizeof magic},
      {&r.point_id, sizeof r.point_id},
      {&ok, sizeof ok},
      {&r.n_layers, sizeof r.n_layers},
      {&sizes[0], 16},
      {coded_run_.data(), coded_run_.size()},
      {&sizes[2], 16},
      {coded_layers_.data(), coded_layers_.size()},
      {&sizes[4], 8},
      {r.pe_counts.data(), r.pe_counts.size() * sizeof(std::uint32_t)},
      {&sizes[5], 8},
      {r.port_counts.data(), r.port_counts.size() * sizeof(std::uint32_t)},
      {&sizes[6], 16},
      {coded_.data(), coded_.size()},
  };
  std::size_t total = 0;
  for (const Piece& p : pieces) total += p.bytes;
  StreamChecksum sum(total);
  bool written = true;
  for (const Piece& p : pieces) {
    if (p.bytes == 0) continue;
    sum.add(static_cast<const std::byte*>(p.data), p.bytes);
    written = written && std::fwrite(p.data, 1, p.bytes, file_) == p.bytes;
  }
  const std::uint64_t check = sum.finish();
  written = written && std::fwrite(&check, sizeof check, 1, file_) == 1;
  if (!written || std::fflush(file_) != 0)
    throw std::runtime_error(fmt::format("cannot write the sweep journal '{}' ({})", path_, std::strerror(errno)));
}

void Journal::remove() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::remove(path_.c_str());
}

namespace {

/// Reads the bytes of the record at the stream's position into `body` (its fields, then the 8-byte
/// checksum), interpreting only its sizes; false at the end of the file, at a record cut short, or at
/// bytes that are not a record. `available`: the file's bytes from the record's start on (a garbled size
/// is not allocated).
bool read_record_bytes(std::istream& in, std::uint64_t available, std::vector<char>& body) {
  body.clear();
  const auto take = [&](std::uint64_t n) {
    if (n > available - body.size()) return false;
    const std::size_t at = body.size();
    body.resize(at + n);
    return static_cast<bool>(in.read(body.data() + at, static_cast<std::streamsize>(n)));
  };
  std::uint32_t magic = 0;
  if (!take(4 + 8 + 1 + 4)) return false;
  std::memcpy(&magic, body.data(), 4);
  if (magic != kRecordMagic) return false;
  // A coded block: what it decodes to (bytes, or values), its coded size and its coded bytes, which
  // decode to at most `expansion` units each.
  const auto coded = [&](std::uint64_t expansion) {
    std::uint64_t decoded = 0, n = 0;
    if (!take(16)) return false;
    std::memcpy(&decoded, body.data() + body.size() - 16, 8);
    std::memcpy(&n, body.data() + body.size() - 8, 8);
    return n <= available && decoded <= expansion * n && take(n);
  };
  // The run row and the layer rows (coded), the PE and port counts (u32), the traces (coded, at least a
  // byte a value), the checksum.
  if (!coded(kMaxRowExpansion) || !coded(kMaxRowExpansion)) return false;
  for (int counts = 0; counts < 2; ++counts) {
    std::uint64_t n = 0;
    if (!take(8)) return false;
    std::memcpy(&n, body.data() + body.size() - 8, 8);
    if (n > available / 4 || !take(n * 4)) return false;
  }
  return coded(1) && take(8);
}

bool checksum_holds(const std::vector<char>& body) {
  std::uint64_t sum = 0;
  std::memcpy(&sum, body.data() + body.size() - 8, 8);
  return sum == checksum(reinterpret_cast<const std::byte*>(body.data()), body.size() - 8);
}

}  // namespace

Journal::Contents Journal::scan(const std::string& path) {
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    throw std::runtime_error(fmt::format("'{}' is a directory, not a sweep journal; move it away to start over", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read the sweep journal '{}'", path));
  std::error_code ec;
  const std::uint64_t file_bytes = std::filesystem::file_size(path, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot read the sweep journal '{}'", path));
  constexpr std::size_t kShardAt = sizeof kHeader + 8, kVersionAt = kShardAt + 8;
  std::vector<char> head(kVersionAt + 4);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.size() >= sizeof kHeader && std::memcmp(head.data(), kHeaderPrefix, sizeof kHeaderPrefix) == 0 &&
      head[7] >= '1' && head[7] <= '5')
    throw std::runtime_error(fmt::format(
        "'{}' was written by an older eyesim (journal format {}) and cannot be resumed; delete it to start over",
        path, head[7]));
  if (head.size() < kVersionAt + 4 || std::memcmp(head.data(), kHeader, sizeof kHeader) != 0)
    throw std::runtime_error(fmt::format("'{}' is not an eyesim sweep journal{}", path,
                                         head.empty() ? " (it is empty: a sweep killed as it began leaves one; delete "
                                                        "it if no sweep is running)"
                                                      : ""));
  Contents c;
  std::memcpy(&c.spec_hash, head.data() + sizeof kHeader, 8);
  std::memcpy(&c.shard.index, head.data() + kShardAt, 4);
  std::memcpy(&c.shard.count, head.data() + kShardAt + 4, 4);
  std::uint32_t version_bytes = 0;
  std::memcpy(&version_bytes, head.data() + kVersionAt, 4);
  std::uint64_t pos = head.size();
  if (version_bytes > kMaxVersionBytes || version_bytes > file_bytes - pos)
    throw std::runtime_error(fmt::format("'{}' is not an eyesim sweep journal (its header is cut short)", path));
  c.version.resize(version_bytes);
  in.read(c.version.data(), version_bytes);
  pos += version_bytes;
  std::vector<char> body;  // one record at a time
  while (read_record_bytes(in, file_bytes - pos, body) && checksum_holds(body)) {
    Entry e;
    std::memcpy(&e.point_id, body.data() + 4, 8);
    e.ok = body[12] != 0;
    e.offset = pos;
    c.entries.push_back(e);
    pos += body.size();
  }
  c.valid_bytes = pos;
  return c;
}

PointRecord Journal::load(std::istream& in, const std::string& path, const Entry& entry) {
  std::vector<char> body;
  in.clear();
  in.seekg(static_cast<std::streamoff>(entry.offset));
  std::uint64_t id = 0;
  std::error_code ec;
  const std::uint64_t file_bytes = std::filesystem::file_size(path, ec);
  const bool read = !ec && entry.offset < file_bytes && in &&
                    read_record_bytes(in, file_bytes - entry.offset, body) && checksum_holds(body);
  if (read) std::memcpy(&id, body.data() + 4, 8);
  if (!read || id != entry.point_id)
    throw std::runtime_error(fmt::format("the sweep journal '{}' changed while it was resumed: the record of point #{} "
                                         "at byte {} is gone",
                                         path, entry.point_id, entry.offset));
  Reader rd(body, 0);
  PointRecord r;
  std::uint32_t magic = 0;
  std::uint8_t ok = 0;
  rd.get(magic);
  rd.get(r.point_id);
  rd.get(ok);
  rd.get(r.n_layers);
  std::uint64_t run_bytes = 0, layer_bytes = 0, values = 0;
  std::vector<std::uint8_t> coded_run, coded_layers, coded;
  rd.get(run_bytes);
  rd.get_vector(coded_run);
  rd.get(layer_bytes);
  rd.get_vector(coded_layers);
  rd.get_vector(r.pe_counts);
  rd.get_vector(r.port_counts);
  rd.get(values);
  rd.get_vector(coded);
  const char* broken = nullptr;
  if (!decode_rows(coded_run.data(), coded_run.size(), run_bytes, 0, r.run_row)) broken = "run row";
  else if (!decode_rows(coded_layers.data(), coded_layers.size(), layer_bytes, layer_stride(layer_bytes, r.n_layers),
                        r.layer_rows))
    broken = "layer rows";
  else if (!decode_traces(coded.data(), coded.size(), values, r.traces)) broken = "traces";
  if (broken)
    throw std::runtime_error(fmt::format("the sweep journal '{}' holds a record of point #{} whose {} cannot be decoded "
                                         "(its checksum holds, so eyesim wrote it wrong: please report it; delete the "
                                         "journal to start the sweep over)",
                                         path, entry.point_id, broken));
  r.ok = ok != 0;
  return r;
}

}  // namespace eyesim::sweep
