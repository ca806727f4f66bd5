// ShuffledChunk: the chunks it stores are undone by HDF5's own shuffle + deflate pipeline (H5Dread),
// also partial chunks stored and grown.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <hdf5.h>
#include <unistd.h>

#include "sweep/hdf5_file.h"
#include "sweep/shuffled_chunk.h"

namespace eyesim::sweep {
namespace {

namespace fs = std::filesystem;

std::string temp_file(const char* name) {
  return (fs::temp_directory_path() / (std::to_string(::getpid()) + "_" + name)).string();
}

/// Values whose 8 byte planes differ: small counts, large ones and some above 2^32.
std::vector<std::uint64_t> values(std::size_t n, std::uint64_t seed) {
  std::vector<std::uint64_t> v(n);
  std::uint64_t x = seed;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    v[i] = i % 7 == 0 ? (x >> 20) : (x >> 50);
  }
  return v;
}

/// The stored (filtered) bytes of chunk `index` of a 1-D dataset, as H5Dread_chunk returns them.
std::vector<std::byte> raw_chunk(const std::string& path, const char* name, hsize_t offset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  hsize_t off[1] = {offset}, size = 0;
  REQUIRE(H5Dget_chunk_storage_size(ds, off, &size) >= 0);
  std::vector<std::byte> out(size);
  std::uint32_t filters = 1;
  REQUIRE(H5Dread_chunk(ds, H5P_DEFAULT, off, &filters, out.data()) >= 0);
  CHECK(filters == 0);  // every filter applied
  H5Dclose(ds);
  H5Fclose(file);
  return out;
}

}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("a chunk shuffled and deflated by ShuffledChunk is what HDF5's filters undo / H5Dread returns its values") {
    constexpr std::size_t kChunk = 1000;  // not a multiple of 8: the word-wide transposition's edges
    const std::string path = temp_file("eyesim_shuffled_chunk_hdf5.h5");
    const auto v = values(kChunk, 3);
    ShuffledChunk c(8, kChunk);
    // Appended in uneven pieces (a layer's traces are a few hundred values).
    std::size_t done = 0;
    for (std::size_t piece = 1; done < v.size(); piece = piece * 3 + 1)
      done += c.append(std::span<const std::uint64_t>(v).subspan(done, std::min(piece, v.size() - done)));
    REQUIRE(c.full());
    {
      Hdf5File f(path, Hdf5File::Mode::kCreate);
      f.create_u64_dataset("ours", kChunk);
      f.write_chunk("ours", kChunk, 0, c.stored(), kChunk);
      f.create_u64_dataset("hdf5", kChunk);  // the same values through HDF5's own shuffle + deflate
      f.append_u64("hdf5", v);
    }
    Hdf5File f(path, Hdf5File::Mode::kReadOnly);
    CHECK(f.read_u64("ours") == v);
    // Mostly small counts: the shuffled high bytes are zeros, so the chunk compresses about as HDF5's does.
    const auto ours = raw_chunk(path, "ours", 0), theirs = raw_chunk(path, "hdf5", 0);
    CHECK(ours.size() < kChunk * 8 / 2);
    CHECK(ours.size() < theirs.size() * 5 / 4);
    fs::remove(path);
  }

  TEST_CASE("chunks written already filtered read back through H5Dread / a partial chunk stored, grown and stored again") {
    constexpr std::size_t kChunk = 512;
    const std::string path = temp_file("eyesim_shuffled_chunk_write.h5");
    const auto v = values(3 * kChunk + 100, 11);
    {
      Hdf5File f(path, Hdf5File::Mode::kCreate);
      f.create_u64_dataset("t", kChunk);
      ShuffledChunk c(8, kChunk);
      std::size_t index = 0, done = 0;
      const auto store = [&] {
        f.write_chunk("t", kChunk, index, c.stored(), index * kChunk + c.size());
        if (c.full()) {
          c.clear();
          ++index;
        }
      };
      for (const std::size_t until : {std::size_t{300}, kChunk + 7, 2 * kChunk + 1, v.size()}) {
        while (done < until) {
          done += c.append(std::span<const std::uint64_t>(v).subspan(done, until - done));
          if (c.full()) store();
        }
        if (c.size() > 0) store();  // a flush: the partial chunk as it is now
        CHECK(f.read_u64("t") == std::vector<std::uint64_t>(v.begin(), v.begin() + std::ptrdiff_t(done)));
      }
    }
    Hdf5File f(path, Hdf5File::Mode::kReadOnly);
    CHECK(f.read_u64("t") == v);
    fs::remove(path);
  }
}

}  // namespace eyesim::sweep
