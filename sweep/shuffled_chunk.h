// ShuffledChunk: one chunk of a 1-D dataset built straight into the form HDF5 stores it in with the
// shuffle + deflate pipeline of every appendable result dataset, for Hdf5File::write_chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace eyesim::sweep {

/// Elements are appended byte-shuffled (byte j of element i at j x chunk_elements + i, HDF5's shuffle
/// filter) and the chunk is deflated into a zlib stream (what HDF5's deflate filter stores) by ISA-L at
/// its level 1, so the writer hands HDF5 a finished chunk instead of rows for H5Dwrite to copy through
/// its chunk cache, shuffle and compress with zlib (which took half the writer thread's time). The file
/// reads the same to any reader: the dataset still declares shuffle + deflate and H5Dread undoes them
/// with zlib. A partial chunk is stored whole, zeros past its elements, as HDF5 stores an edge chunk.
/// Not thread-safe.
class ShuffledChunk {
 public:
  ShuffledChunk(std::size_t element_bytes, std::size_t chunk_elements);
  ~ShuffledChunk();
  ShuffledChunk(const ShuffledChunk&) = delete;
  ShuffledChunk& operator=(const ShuffledChunk&) = delete;

  /// Appends up to chunk_elements() - size() of `values` (8-byte elements, stored little-endian: the
  /// traces); returns how many.
  std::size_t append(std::span<const std::uint64_t> values);
  std::size_t size() const { return size_; }
  std::size_t chunk_elements() const { return chunk_; }
  bool full() const { return size_ == chunk_; }
  /// The chunk as stored: its elements (zeros after size()), shuffled and deflated. Valid until the
  /// next call; the elements stay, so a partial chunk can be appended to and stored again.
  std::span<const std::byte> stored();
  /// Starts the next chunk (size() 0).
  void clear() { size_ = 0; }

 private:
  struct Stream;
  std::size_t element_;
  std::size_t chunk_;
  std::size_t size_ = 0;
  std::vector<std::byte> shuffled_;  ///< element_ planes of chunk_ bytes
  std::vector<std::byte> out_;
  std::unique_ptr<Stream> stream_;
};

}  // namespace eyesim::sweep
