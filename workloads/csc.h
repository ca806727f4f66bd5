// Compressed sparse column (CSC) encoding exactly as Eyeriss v2 §IV-A: (4-bit zero count, 8-bit value)
// pairs plus an address vector giving where each segment starts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace eyesim::workloads {

/// One 12-bit pair: the number of zeros before `value` since the previous entry of the segment, and
/// the value. A run of more than 15 zeros is carried by explicit zero-valued entries with count 15.
struct CscEntry {
  std::uint8_t zero_count;  ///< 0..15
  std::int8_t value;
  friend bool operator==(const CscEntry&, const CscEntry&) = default;
};

inline constexpr unsigned kCscCountBits = 4;
inline constexpr unsigned kCscMaxCount = (1u << kCscCountBits) - 1;
inline constexpr unsigned kCscEntryBits = 12;

struct CscEncoding {
  std::vector<CscEntry> entries;
  /// Segment i occupies entries [address[i], address[i+1]); an all-zero segment repeats its start.
  std::vector<std::uint32_t> address;
  std::size_t segment_count() const { return address.empty() ? 0 : address.size() - 1; }
  std::uint64_t data_bits() const { return std::uint64_t{kCscEntryBits} * entries.size(); }
};

/// Encodes `values` cut into segments of `segment_length` (the last one may be shorter).
/// Trailing zeros of a segment need no entry. segment_length >= 1.
CscEncoding encode_csc(std::span<const std::int8_t> values, std::size_t segment_length);

/// The same into `out`, reusing its storage (the functional model encodes every row and tile it moves).
void encode_csc(std::span<const std::int8_t> values, std::size_t segment_length, CscEncoding& out);

/// Building an encoding from the non-zeros alone (their offsets in the segment ascending): start_csc, then
/// per segment append_csc_nonzero for each non-zero and end_csc_segment. encode_csc is built on them, so
/// the entries are the same; O(non-zeros) instead of O(values) when the positions are known (a
/// NonZeroIndex).
inline void start_csc(CscEncoding& enc) {
  enc.entries.clear();
  enc.address.assign(1, 0);
}
/// `zeros`: the zeros since the previous non-zero of the segment (or its start); `value` != 0. A run
/// longer than the count field holds takes explicit zero entries, each for kCscMaxCount zeros + itself.
inline void append_csc_nonzero(CscEncoding& enc, std::size_t zeros, std::int8_t value) {
  for (; zeros > kCscMaxCount; zeros -= kCscMaxCount + 1) enc.entries.push_back({static_cast<std::uint8_t>(kCscMaxCount), 0});
  enc.entries.push_back({static_cast<std::uint8_t>(zeros), value});
}
inline void end_csc_segment(CscEncoding& enc) { enc.address.push_back(static_cast<std::uint32_t>(enc.entries.size())); }

/// The exact inverse of encode_csc.
std::vector<std::int8_t> decode_csc(const CscEncoding& enc, std::size_t total_length, std::size_t segment_length);
/// The same into `out`, reusing its storage.
void decode_csc(const CscEncoding& enc, std::size_t total_length, std::size_t segment_length, std::vector<std::int8_t>& out);

/// The number of entries encode_csc would produce for one segment, without building it.
std::size_t csc_entry_count(std::span<const std::int8_t> segment);

}  // namespace eyesim::workloads
