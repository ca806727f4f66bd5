// CSC encoding and decoding (Eyeriss v2 §IV-A, Fig. 16).
#include "workloads/csc.h"

#include <algorithm>

#include "core/check.h"

namespace eyesim::workloads {

CscEncoding encode_csc(std::span<const std::int8_t> values, std::size_t segment_length) {
  CscEncoding enc;
  encode_csc(values, segment_length, enc);
  return enc;
}

void encode_csc(std::span<const std::int8_t> values, std::size_t segment_length, CscEncoding& enc) {
  EYESIM_CHECK(segment_length >= 1, "CSC segment length must be >= 1");
  start_csc(enc);
  const std::size_t segments = (values.size() + segment_length - 1) / segment_length;
  enc.address.reserve(segments + 1);
  for (std::size_t seg = 0; seg < segments; ++seg) {
    const std::size_t begin = seg * segment_length;
    const std::size_t end = std::min(values.size(), begin + segment_length);
    std::size_t zeros = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (values[i] == 0) {
        ++zeros;
        continue;
      }
      append_csc_nonzero(enc, zeros, values[i]);
      zeros = 0;
    }
    end_csc_segment(enc);
  }
}

std::vector<std::int8_t> decode_csc(const CscEncoding& enc, std::size_t total_length, std::size_t segment_length) {
  std::vector<std::int8_t> out;
  decode_csc(enc, total_length, segment_length, out);
  return out;
}

void decode_csc(const CscEncoding& enc, std::size_t total_length, std::size_t segment_length, std::vector<std::int8_t>& out) {
  out.assign(total_length, 0);
  for (std::size_t seg = 0; seg < enc.segment_count(); ++seg) {
    std::size_t pos = seg * segment_length;
    for (std::uint32_t e = enc.address[seg]; e < enc.address[seg + 1]; ++e) {
      pos += enc.entries[e].zero_count;
      EYESIM_CHECK(pos < total_length, "CSC entry beyond the decoded length ({} >= {})", pos, total_length);
      out[pos] = enc.entries[e].value;
      ++pos;
    }
  }
}

std::size_t csc_entry_count(std::span<const std::int8_t> segment) {
  std::size_t entries = 0;
  unsigned zeros = 0;
  for (std::int8_t v : segment) {
    if (v == 0) {
      ++zeros;
      continue;
    }
    entries += 1 + zeros / (kCscMaxCount + 1);
    zeros = 0;
  }
  return entries;
}

}  // namespace eyesim::workloads
