// Tensor<T>: a dense row-major tensor of any rank, owning its values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <span>
#include <vector>

#include "core/check.h"

namespace eyesim::workloads {

template <class T>
class Tensor {
 public:
  Tensor() = default;
  /// Zero-filled tensor with the given dimensions (outermost first).
  explicit Tensor(std::vector<std::uint32_t> dims) : dims_(std::move(dims)) {
    values_.assign(std::accumulate(dims_.begin(), dims_.end(), std::size_t{1},
                                   [](std::size_t a, std::uint32_t b) { return a * b; }),
                   T{});
  }

  const std::vector<std::uint32_t>& dims() const { return dims_; }
  std::size_t size() const { return values_.size(); }
  T* data() { return values_.data(); }
  const T* data() const { return values_.data(); }
  std::span<T> values() { return values_; }
  std::span<const T> values() const { return values_; }

  /// Row-major offset of an index (one coordinate per dimension).
  std::size_t offset(std::initializer_list<std::uint32_t> idx) const {
    EYESIM_DEBUG_CHECK(idx.size() == dims_.size(), "tensor index rank {} != {}", idx.size(), dims_.size());
    std::size_t off = 0;
    std::size_t d = 0;
    for (std::uint32_t i : idx) {
      EYESIM_DEBUG_CHECK(i < dims_[d], "tensor index {} out of range {} in dimension {}", i, dims_[d], d);
      off = off * dims_[d] + i;
      ++d;
    }
    return off;
  }
  T& at(std::initializer_list<std::uint32_t> idx) { return values_[offset(idx)]; }
  const T& at(std::initializer_list<std::uint32_t> idx) const { return values_[offset(idx)]; }

  friend bool operator==(const Tensor&, const Tensor&) = default;

 private:
  std::vector<std::uint32_t> dims_;
  std::vector<T> values_;
};

}  // namespace eyesim::workloads
