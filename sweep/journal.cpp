// Journal records: [magic][id][ok][sizes][run row][layer rows][trace counts][traces, coded][checksum].
#include "sweep/journal.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "core/rng.h"

namespace eyesim::sweep {
namespace {

// Format 4: the magic, the spec hash, then the writer's version (u32 length + bytes), then records
// (checksum over 8-byte words), their traces coded (trace_coding below). Older formats are refused with a
// message rather than silently read as empty: format 1 (a byte-wise FNV checksum), format 2 (no version:
// its rows may be in another layout, which nothing could tell) and format 3 (traces as raw 64-bit words).
constexpr char kHeader[8] = {'E', 'Y', 'E', 'S', 'I', 'M', 'J', '4'};
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

Journal::Journal(const std::string& path, std::uint64_t spec_hash, const std::string& version, std::uint64_t valid_bytes)
    : path_(path) {
  const bool fresh = !std::ifstream(path).good();
  if (!fresh && valid_bytes > 0 && std::filesystem::file_size(path) > valid_bytes) std::filesystem::resize_file(path, valid_bytes);
  file_ = std::fopen(path.c_str(), "ab");
  if (!file_) throw std::runtime_error(fmt::format("cannot write the sweep journal '{}'", path));
  if (fresh) {
    const std::uint32_t version_bytes = static_cast<std::uint32_t>(std::min<std::size_t>(version.size(), kMaxVersionBytes));
    std::fwrite(kHeader, 1, sizeof kHeader, file_);
    std::fwrite(&spec_hash, sizeof spec_hash, 1, file_);
    std::fwrite(&version_bytes, sizeof version_bytes, 1, file_);
    std::fwrite(version.data(), 1, version_bytes, file_);
    std::fflush(file_);
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
  const std::uint64_t sizes[6] = {r.run_row.size(),     r.layer_rows.size(), r.pe_counts.size(), r.port_counts.size(),
                                  r.traces.size(),      coded_.size()};
  const Piece pieces[] = {
      {&magic, sizeof magic},
      {&r.point_id, sizeof r.point_id},
      {&ok, sizeof ok},
      {&r.n_layers, sizeof r.n_layers},
      {&sizes[0], 8},
      {r.run_row.data(), r.run_row.size()},
      {&sizes[1], 8},
      {r.layer_rows.data(), r.layer_rows.size()},
      {&sizes[2], 8},
      {r.pe_counts.data(), r.pe_counts.size() * sizeof(std::uint32_t)},
      {&sizes[3], 8},
      {r.port_counts.data(), r.port_counts.size() * sizeof(std::uint32_t)},
      {&sizes[4], 8},
      {&sizes[5], 8},
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
    throw std::runtime_error(fmt::format("cannot write the sweep journal '{}'", path_));
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
  // The run row and layer rows (bytes), the PE and port counts (u32), then the traces' count and their
  // coded bytes (at least one a value).
  std::uint64_t n = 0;
  for (const std::uint64_t element : {1, 1, 4, 4}) {
    if (!take(8)) return false;
    std::memcpy(&n, body.data() + body.size() - 8, 8);
    if (n > available / element || !take(n * element)) return false;
  }
  std::uint64_t values = 0;
  if (!take(16)) return false;
  std::memcpy(&values, body.data() + body.size() - 16, 8);
  std::memcpy(&n, body.data() + body.size() - 8, 8);
  if (values > n || !take(n)) return false;
  return take(8);
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
  std::vector<char> head(sizeof kHeader + 8 + 4);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.size() >= sizeof kHeader && std::memcmp(head.data(), kHeaderPrefix, sizeof kHeaderPrefix) == 0 &&
      (head[7] == '1' || head[7] == '2' || head[7] == '3'))
    throw std::runtime_error(fmt::format(
        "'{}' was written by an older eyesim (journal format {}) and cannot be resumed; delete it to start over",
        path, head[7]));
  if (head.size() < sizeof kHeader + 8 + 4 || std::memcmp(head.data(), kHeader, sizeof kHeader) != 0)
    throw std::runtime_error(fmt::format("'{}' is not an eyesim sweep journal{}", path,
                                         head.empty() ? " (it is empty: a sweep killed as it began leaves one; delete "
                                                        "it if no sweep is running)"
                                                      : ""));
  Contents c;
  std::memcpy(&c.spec_hash, head.data() + sizeof kHeader, 8);
  std::uint32_t version_bytes = 0;
  std::memcpy(&version_bytes, head.data() + sizeof kHeader + 8, 4);
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
  rd.get_vector(r.run_row);
  rd.get_vector(r.layer_rows);
  rd.get_vector(r.pe_counts);
  rd.get_vector(r.port_counts);
  std::uint64_t values = 0;
  std::vector<std::uint8_t> coded;
  rd.get(values);
  rd.get_vector(coded);
  if (!decode_traces(coded.data(), coded.size(), values, r.traces))
    throw std::runtime_error(fmt::format("the sweep journal '{}' holds a record of point #{} whose traces do not decode",
                                         path, entry.point_id));
  r.ok = ok != 0;
  return r;
}

}  // namespace eyesim::sweep
