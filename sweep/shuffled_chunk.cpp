// ShuffledChunk: the shuffle filter's byte planes, filled as elements arrive, and ISA-L's deflate at level 1.
#include "sweep/shuffled_chunk.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include <isa-l/igzip_lib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace eyesim::sweep {

struct ShuffledChunk::Stream {
  isal_zstream z;
  std::vector<std::uint8_t> level_buffer = std::vector<std::uint8_t>(ISAL_DEF_LVL1_DEFAULT);
};

ShuffledChunk::ShuffledChunk(std::size_t element_bytes, std::size_t chunk_elements)
    : element_(element_bytes),
      chunk_(chunk_elements),
      shuffled_(element_bytes * chunk_elements),
      out_(shuffled_.size() + shuffled_.size() / 16 + 1024),  // grown in stored() if ever too small
      stream_(std::make_unique<Stream>()) {}

ShuffledChunk::~ShuffledChunk() = default;

namespace {

/// ISA-L's AVX-512 deflate returns with the upper halves of the vector registers in use (no vzeroupper):
/// the calling thread's SSE code then runs slower until they are cleared (after a sweep's last chunks,
/// stored on the main thread by ResultWriter::finish, a second sweep in the same process simulated 8 %
/// slower: BM_DefaultSweep's repetitions). Clear them, where the CPU has them.
#if defined(__x86_64__)
__attribute__((target("avx"))) void clear_upper_vector_state() { _mm256_zeroupper(); }
void after_vector_code() {
  if (__builtin_cpu_supports("avx")) clear_upper_vector_state();
}
#else
void after_vector_code() {}
#endif

/// Transposes the 8 x 8 byte matrix of 8 little-endian words: byte i of a[j] becomes byte j of a[i]
/// (three rounds of swapping off-diagonal blocks: 4 x 4, 2 x 2, 1 x 1).
void transpose8x8(std::uint64_t (&a)[8]) {
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t t = ((a[i] >> 32) ^ a[i + 4]) & 0x00000000FFFFFFFFull;
    a[i] ^= t << 32;
    a[i + 4] ^= t;
  }
  for (int i : {0, 1, 4, 5}) {
    const std::uint64_t t = ((a[i] >> 16) ^ a[i + 2]) & 0x0000FFFF0000FFFFull;
    a[i] ^= t << 16;
    a[i + 2] ^= t;
  }
  for (int i = 0; i < 8; i += 2) {
    const std::uint64_t t = ((a[i] >> 8) ^ a[i + 1]) & 0x00FF00FF00FF00FFull;
    a[i] ^= t << 8;
    a[i + 1] ^= t;
  }
}

}  // namespace

std::size_t ShuffledChunk::append(std::span<const std::uint64_t> values) {
  static_assert(std::endian::native == std::endian::little, "the trace datasets are little-endian");
  if (element_ != 8) throw std::logic_error("ShuffledChunk: 8-byte values appended to a chunk of other elements");
  const std::size_t n = std::min(values.size(), chunk_ - size_);
  std::byte* const base = shuffled_.data();
  std::size_t i = 0;
  const auto scatter_one = [&](std::size_t pos, std::uint64_t v) {
    for (std::size_t j = 0; j < 8; ++j) base[j * chunk_ + pos] = static_cast<std::byte>(v >> (8 * j));
  };
  // Eight values at a time: byte plane j receives the eight j-th bytes as one word.
  for (; i < n && (size_ + i) % 8 != 0; ++i) scatter_one(size_ + i, values[i]);
  for (; i + 8 <= n; i += 8) {
    std::uint64_t a[8];
    std::memcpy(a, values.data() + i, sizeof a);
    transpose8x8(a);
    for (std::size_t j = 0; j < 8; ++j) std::memcpy(base + j * chunk_ + size_ + i, &a[j], 8);
  }
  for (; i < n; ++i) scatter_one(size_ + i, values[i]);
  size_ += n;
  return n;
}

std::span<const std::byte> ShuffledChunk::stored() {
  for (std::size_t j = 0; j < element_ && size_ < chunk_; ++j)
    std::memset(shuffled_.data() + j * chunk_ + size_, 0, chunk_ - size_);
  // ISA-L's deflate at level 1 with a zlib header and trailer: the stream HDF5's deflate filter inflates.
  isal_zstream& z = stream_->z;
  isal_deflate_init(&z);
  z.level = 1;
  z.level_buf = stream_->level_buffer.data();
  z.level_buf_size = static_cast<std::uint32_t>(stream_->level_buffer.size());
  z.gzip_flag = IGZIP_ZLIB;
  z.flush = NO_FLUSH;
  z.end_of_stream = 1;
  z.next_in = reinterpret_cast<std::uint8_t*>(shuffled_.data());
  z.avail_in = static_cast<std::uint32_t>(shuffled_.size());
  z.next_out = reinterpret_cast<std::uint8_t*>(out_.data());
  z.avail_out = static_cast<std::uint32_t>(out_.size());
  for (;;) {
    if (isal_deflate(&z) != COMP_OK) throw std::runtime_error("isa-l: deflate failed on a chunk");
    if (z.internal_state.state == ZSTATE_END) break;
    if (z.avail_out == 0) {  // incompressible beyond the first guess: more room
      const std::size_t used = out_.size();
      out_.resize(2 * used);
      z.next_out = reinterpret_cast<std::uint8_t*>(out_.data() + used);
      z.avail_out = static_cast<std::uint32_t>(out_.size() - used);
    }
  }
  after_vector_code();
  return {out_.data(), z.total_out};
}

}  // namespace eyesim::sweep
