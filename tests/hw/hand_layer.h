// A LayerData built by hand for hw tests (no generators): one layer, tensors filled by the test.
#pragma once

#include <memory>

#include "workloads/layer_data.h"

namespace eyesim::hw::testing {

/// Owns the spec the LayerData points to. Call finish() after filling the tensors.
struct HandLayer {
  workloads::LayerSpec spec;
  workloads::LayerData data;
  explicit HandLayer(const workloads::LayerShape& shape) {
    spec.shape = shape;
    data.spec = &spec;
    data.iacts = workloads::Tensor<std::int8_t>({shape.n, shape.g * shape.c, shape.h, shape.w});
    data.weights = workloads::Tensor<std::int8_t>({shape.g, shape.m, shape.c, shape.r, shape.s});
  }
  void finish() {
    data.iact_nnz = data.weight_nnz = 0;
    for (auto v : data.iacts.values()) data.iact_nnz += v != 0;
    for (auto v : data.weights.values()) data.weight_nnz += v != 0;
    data.index = workloads::NonZeroIndex(spec.shape, data.iacts, data.weights);
  }
};

}  // namespace eyesim::hw::testing
