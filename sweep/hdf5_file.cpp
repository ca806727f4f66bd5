// Hdf5File: the HDF5 calls, each checked; failures carry the innermost HDF5 message.
#include "sweep/hdf5_file.h"

#include <fmt/format.h>

namespace eyesim::sweep {
namespace {

/// Each thread has its own HDF5 error stack, which HDF5 prints to stderr on a failure unless that thread
/// said not to; every call here reports its failures itself (fail below), so every method first makes sure
/// its thread has (a result file is created on one thread and written on the sweep's writer thread).
void quiet_thread() {
  thread_local bool quiet = false;
  if (quiet) return;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  quiet = true;
}

herr_t collect(unsigned, const H5E_error2_t* e, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (e->desc && *e->desc) *out = e->desc;  // the innermost description is the most specific
  return 0;
}

[[noreturn]] void fail(const std::string& what) {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &detail);
  H5Eclear2(H5E_DEFAULT);
  throw Hdf5Error(detail.empty() ? what : fmt::format("{} ({})", what, detail));
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}

void check_status(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

/// A chunked, extendible layout with shuffle + deflate(1): every appendable dataset of a result file.
H5Handle chunked_layout(std::size_t chunk) {
  const hsize_t ch[1] = {chunk};
  H5Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "dataset creation list"), H5Pclose);
  check_status(H5Pset_chunk(dcpl.get(), 1, ch), "chunking");
  check_status(H5Pset_shuffle(dcpl.get()), "shuffle filter");
  check_status(H5Pset_deflate(dcpl.get(), 1), "deflate filter");  // level 1: after shuffle, integer columns compress nearly as well as at 4, at a fraction of the cost
  return dcpl;
}

/// An empty 1-D dataspace that can grow without bound.
H5Handle extendible_space() {
  const hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED};
  return H5Handle(check(H5Screate_simple(1, dims, maxdims), "dataspace"), H5Sclose);
}

/// Variable-length UTF-8 strings (attributes and the spec text; h5py returns them as str).
H5Handle utf8_string_type() {
  H5Handle type(check(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), "variable string");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "utf-8");
  return type;
}

H5Handle memory_type(const TableSchema& schema) {
  H5Handle t(check(H5Tcreate(H5T_COMPOUND, schema.row_bytes()), "create compound type"), H5Tclose);
  for (const Column& c : schema.columns()) {
    hid_t base = H5T_NATIVE_UINT64;
    H5Handle str;
    switch (c.type) {
      case ColumnType::kU64: base = H5T_NATIVE_UINT64; break;
      case ColumnType::kU32: base = H5T_NATIVE_UINT32; break;
      case ColumnType::kI32: base = H5T_NATIVE_INT32; break;
      case ColumnType::kU8: base = H5T_NATIVE_UINT8; break;
      case ColumnType::kF64: base = H5T_NATIVE_DOUBLE; break;
      case ColumnType::kString:
        str = H5Handle(check(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
        check_status(H5Tset_size(str.get(), c.size), "string size");
        check_status(H5Tset_strpad(str.get(), H5T_STR_NULLPAD), "string padding");
        base = str.get();
        break;
    }
    check_status(H5Tinsert(t.get(), c.name.c_str(), c.offset, base), "insert column " + c.name);
  }
  return t;
}

}  // namespace

Hdf5File::Hdf5File(const std::string& path, Mode mode) : path_(path) {
  // Not at exit: a file whose close failed (a full disk) stays in HDF5's tables, and closing it again as the
  // library shut down at exit crashed the process (found by helper-50). Every file is closed by its owner.
  static const bool kept_open_at_exit = [] { return H5dont_atexit() >= 0; }();
  (void)kept_open_at_exit;
  quiet_thread();
  if (mode == Mode::kCreate) {
    H5Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "file access list"), H5Pclose);
    check_status(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), "library version bounds");
    file_ = H5Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), "cannot create '" + path + "'"),
                     H5Fclose);
  } else {
    file_ = H5Handle(check(H5Fopen(path.c_str(), mode == Mode::kReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT),
                           "cannot open '" + path + "' as an HDF5 file"),
                     H5Fclose);
  }
}

void Hdf5File::create_table(const std::string& name, const TableSchema& schema, std::size_t chunk_rows) {
  quiet_thread();
  H5Handle space = extendible_space();
  H5Handle dcpl = chunked_layout(chunk_rows);
  H5Handle mem = memory_type(schema);
  H5Handle packed(check(H5Tcopy(mem.get()), "copy type"), H5Tclose);
  check_status(H5Tpack(packed.get()), "pack type");
  H5Handle ds(check(H5Dcreate2(file_.get(), name.c_str(), packed.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                    "create table " + name),
              H5Dclose);
}

std::size_t Hdf5File::rows(const std::string& name) {
  quiet_thread();
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle space(check(H5Dget_space(ds.get()), "dataspace of " + name), H5Sclose);
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  return dims[0];
}

void Hdf5File::append_rows(const std::string& name, const TableSchema& schema, const std::byte* data, std::size_t count) {
  quiet_thread();
  if (count == 0) return;
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle space(check(H5Dget_space(ds.get()), "dataspace of " + name), H5Sclose);
  hsize_t old[1] = {0};
  H5Sget_simple_extent_dims(space.get(), old, nullptr);
  const hsize_t extent[1] = {old[0] + count}, start[1] = {old[0]}, n[1] = {count};
  check_status(H5Dset_extent(ds.get(), extent), "extend " + name);
  H5Handle fspace(check(H5Dget_space(ds.get()), "dataspace"), H5Sclose);
  check_status(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, n, nullptr), "select rows");
  H5Handle mspace(check(H5Screate_simple(1, n, nullptr), "memory space"), H5Sclose);
  H5Handle mem = memory_type(schema);
  check_status(H5Dwrite(ds.get(), mem.get(), mspace.get(), fspace.get(), H5P_DEFAULT, data),
                 fmt::format("'{}': cannot write /{}", path_, name));
}

std::vector<std::byte> Hdf5File::read_rows(const std::string& name, const TableSchema& schema) {
  quiet_thread();
  const std::size_t n = rows(name);
  std::vector<std::byte> out(n * schema.row_bytes());
  if (n == 0) return out;
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle mem = memory_type(schema);
  check_status(H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                 fmt::format("'{}': cannot read /{}", path_, name));
  return out;
}

/// Reads elements [start, start + count) of a 1-D dataset into `out` as `mem_type`.
void Hdf5File::read_slab(const std::string& name, hid_t mem_type, std::size_t start, std::size_t count, void* out) {
  quiet_thread();
  if (count == 0) return;
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle fspace(check(H5Dget_space(ds.get()), "dataspace of " + name), H5Sclose);
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(fspace.get(), dims, nullptr);
  if (start + count > dims[0])
    throw Hdf5Error(fmt::format("'{}': rows {}..{} of '{}' requested, it has {}", path_, start, start + count, name, dims[0]));
  const hsize_t s[1] = {start}, n[1] = {count};
  check_status(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, s, nullptr, n, nullptr), "select rows of " + name);
  H5Handle mspace(check(H5Screate_simple(1, n, nullptr), "memory space"), H5Sclose);
  check_status(H5Dread(ds.get(), mem_type, mspace.get(), fspace.get(), H5P_DEFAULT, out),
                 fmt::format("'{}': cannot read /{}", path_, name));
}

std::vector<std::byte> Hdf5File::read_rows(const std::string& name, const TableSchema& schema, std::size_t start,
                                           std::size_t count) {
  quiet_thread();
  std::vector<std::byte> out(count * schema.row_bytes());
  H5Handle mem = memory_type(schema);
  read_slab(name, mem.get(), start, count, out.data());
  return out;
}

std::vector<std::uint64_t> Hdf5File::read_u64(const std::string& name, std::size_t start, std::size_t count) {
  quiet_thread();
  std::vector<std::uint64_t> out(count);
  read_slab(name, H5T_NATIVE_UINT64, start, count, out.data());
  return out;
}

std::vector<std::string> Hdf5File::column_names(const std::string& name) {
  quiet_thread();
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle type(check(H5Dget_type(ds.get()), "type of " + name), H5Tclose);
  std::vector<std::string> out;
  if (H5Tget_class(type.get()) != H5T_COMPOUND) return out;
  const int n = H5Tget_nmembers(type.get());
  for (int i = 0; i < n; ++i) {
    char* member = H5Tget_member_name(type.get(), unsigned(i));
    out.emplace_back(member ? member : "");
    H5free_memory(member);
  }
  return out;
}

void Hdf5File::create_u64_dataset(const std::string& name, std::size_t chunk) {
  quiet_thread();
  H5Handle space = extendible_space();
  H5Handle dcpl = chunked_layout(chunk);
  H5Handle ds(check(H5Dcreate2(file_.get(), name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                    "create " + name),
              H5Dclose);
}

void Hdf5File::append_u64(const std::string& name, std::span<const std::uint64_t> values) {
  quiet_thread();
  if (values.empty()) return;
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle space(check(H5Dget_space(ds.get()), "dataspace"), H5Sclose);
  hsize_t old[1] = {0};
  H5Sget_simple_extent_dims(space.get(), old, nullptr);
  const hsize_t extent[1] = {old[0] + values.size()}, start[1] = {old[0]}, n[1] = {values.size()};
  check_status(H5Dset_extent(ds.get(), extent), "extend " + name);
  H5Handle fspace(check(H5Dget_space(ds.get()), "dataspace"), H5Sclose);
  check_status(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, n, nullptr), "select");
  H5Handle mspace(check(H5Screate_simple(1, n, nullptr), "memory space"), H5Sclose);
  check_status(H5Dwrite(ds.get(), H5T_NATIVE_UINT64, mspace.get(), fspace.get(), H5P_DEFAULT, values.data()),
               fmt::format("'{}': cannot write /{}", path_, name));
}

void Hdf5File::write_chunk(const std::string& name, std::size_t chunk_elements, std::size_t index,
                           std::span<const std::byte> stored, std::size_t extent) {
  quiet_thread();
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle space(check(H5Dget_space(ds.get()), "dataspace of " + name), H5Sclose);
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  if (dims[0] < extent) {
    const hsize_t grown[1] = {extent};
    check_status(H5Dset_extent(ds.get(), grown), "extend " + name);
  }
  const hsize_t offset[1] = {hsize_t{index} * chunk_elements};
  check_status(H5Dwrite_chunk(ds.get(), H5P_DEFAULT, 0, offset, stored.size(), stored.data()),
                 fmt::format("'{}': cannot write a chunk of /{}", path_, name));
}

std::vector<std::uint64_t> Hdf5File::read_u64(const std::string& name) {
  quiet_thread();
  const std::size_t n = rows(name);
  std::vector<std::uint64_t> out(n);
  if (n == 0) return out;
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  check_status(H5Dread(ds.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                 fmt::format("'{}': cannot read /{}", path_, name));
  return out;
}

void Hdf5File::create_group(const std::string& name) {
  quiet_thread();
  H5Handle g(check(H5Gcreate2(file_.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group " + name),
             H5Gclose);
}

bool Hdf5File::exists(const std::string& name) {
  quiet_thread();
  return H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) > 0;
}

void Hdf5File::set_attribute(const std::string& name, std::string_view value) {
  quiet_thread();
  H5Handle type = utf8_string_type();
  H5Handle space(check(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  if (H5Aexists(file_.get(), name.c_str()) > 0) H5Adelete(file_.get(), name.c_str());
  H5Handle attr(check(H5Acreate2(file_.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                      "create attribute " + name),
                H5Aclose);
  const std::string text(value);
  const char* p = text.c_str();
  check_status(H5Awrite(attr.get(), type.get(), &p), fmt::format("'{}': cannot write attribute {}", path_, name));
}

std::string Hdf5File::attribute(const std::string& name) {
  quiet_thread();
  if (H5Aexists(file_.get(), name.c_str()) <= 0) return {};
  H5Handle attr(check(H5Aopen(file_.get(), name.c_str(), H5P_DEFAULT), "open attribute " + name), H5Aclose);
  H5Handle type = utf8_string_type();
  char* p = nullptr;
  check_status(H5Aread(attr.get(), type.get(), &p), fmt::format("'{}': cannot read attribute {}", path_, name));
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

void Hdf5File::write_string_dataset(const std::string& name, std::string_view text) {
  quiet_thread();
  H5Handle type = utf8_string_type();
  H5Handle space(check(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle ds(check(H5Dcreate2(file_.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "create " + name),
              H5Dclose);
  const std::string s(text);
  const char* p = s.c_str();
  check_status(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p),
                 fmt::format("'{}': cannot write /{}", path_, name));
}

std::string Hdf5File::read_string_dataset(const std::string& name) {
  quiet_thread();
  H5Handle ds(check(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), "open " + name), H5Dclose);
  H5Handle type = utf8_string_type();
  char* p = nullptr;
  check_status(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p),
                 fmt::format("'{}': cannot read /{}", path_, name));
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

void Hdf5File::set_units(const std::string& dataset, std::string_view json) {
  quiet_thread();
  H5Handle ds(check(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), "open " + dataset), H5Dclose);
  H5Handle type = utf8_string_type();
  H5Handle space(check(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle attr(check(H5Acreate2(ds.get(), "units", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), "units attribute"),
                H5Aclose);
  const std::string s(json);
  const char* p = s.c_str();
  check_status(H5Awrite(attr.get(), type.get(), &p), "write units");
}

void Hdf5File::close() {
  quiet_thread();
  const hid_t id = file_.release();
  if (id >= 0) check_status(H5Fclose(id), "close " + path_);
}

void Hdf5File::flush() {
  quiet_thread();
  check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + path_);
}

}  // namespace eyesim::sweep
