// LayerShape: kind names and validation.
#include "workloads/layer_shape.h"

#include <initializer_list>

#include <fmt/format.h>

namespace eyesim::workloads {

std::string_view to_string(LayerKind k) {
  switch (k) {
    case LayerKind::kConv: return "conv";
    case LayerKind::kDepthwise: return "depthwise";
    case LayerKind::kPointwise: return "pointwise";
    case LayerKind::kFullyConnected: return "fc";
  }
  return "?";
}

bool parse_layer_kind(std::string_view text, LayerKind& out) {
  for (LayerKind k : {LayerKind::kConv, LayerKind::kDepthwise, LayerKind::kPointwise, LayerKind::kFullyConnected}) {
    if (to_string(k) == text) {
      out = k;
      return true;
    }
  }
  return false;
}

std::vector<std::string> validate(const LayerShape& l) {
  std::vector<std::string> issues;
  const auto positive = [&](const char* what, std::uint32_t v) {
    if (v == 0) issues.push_back(fmt::format("{}: {} must be >= 1 (got 0)", l.name, what));
  };
  positive("batch n", l.n);
  positive("groups g", l.g);
  positive("input channels c", l.c);
  positive("output channels m", l.m);
  positive("input height h", l.h);
  positive("input width w", l.w);
  positive("filter height r", l.r);
  positive("filter width s", l.s);
  positive("stride", l.u);
  if (!issues.empty()) return issues;
  const bool filter_fits = l.r <= l.h + 2 * l.pad && l.s <= l.w + 2 * l.pad;
  if (!filter_fits) {
    issues.push_back(fmt::format("{}: filter {}x{} larger than padded input {}x{}", l.name, l.r, l.s, l.h + 2 * l.pad,
                                 l.w + 2 * l.pad));
  }
  // A stride past the padded input leaves one window per row and column, as that stride does: a larger one
  // is a typo, and sized the PEs' per-stride-phase tables (stride 10^6 took gigabytes; found by helper-49).
  if (const std::uint64_t most = std::uint64_t{std::max(l.h, l.w)} + 2ull * l.pad; l.u > most)
    issues.push_back(fmt::format("{}: stride {} exceeds the padded input's {} rows or columns (a stride of {} already "
                                 "leaves one window)",
                                 l.name, l.u, most, most));
  // Each operand of one image is one tensor of int8 values (G*C and G*M one 32-bit dimension), and
  // the outputs one of wider psums. A layer past the bound is a typo (h = 100000) that would ask for
  // terabytes or overflow those dimensions, not a DNN layer: the largest built-in operand, VGG-16
  // FC6's weights, has 1.03e8 elements. The products saturate, so a count cannot overflow either.
  const auto bounded = [&](const char* what, const char* formula, std::initializer_list<std::uint32_t> dims) {
    std::uint64_t n = 1;
    double exact = 1.0;
    std::string factors;
    for (std::uint32_t d : dims) {
      n = n > kMaxOperandElements / d ? kMaxOperandElements + 1 : n * d;
      exact *= d;
      factors += fmt::format("{}{}", factors.empty() ? "" : "*", d);
    }
    if (n > kMaxOperandElements)
      issues.push_back(fmt::format("{}: at most {} {} per image (got {} = {} = {:.3g})", l.name, kMaxOperandElements, what,
                                   formula, factors, exact));
  };
  bounded("input activations", "g*c*h*w", {l.g, l.c, l.h, l.w});
  bounded("weights", "g*m*c*r*s", {l.g, l.m, l.c, l.r, l.s});
  if (filter_fits) bounded("output activations", "g*m*e*f", {l.g, l.m, l.e(), l.f()});
  if (l.kind == LayerKind::kDepthwise && (l.c != 1 || l.m != 1)) {
    issues.push_back(fmt::format("{}: a depthwise layer has c = m = 1 per group (got c={}, m={})", l.name, l.c, l.m));
  }
  if (l.kind == LayerKind::kFullyConnected && (l.h != 1 || l.w != 1 || l.r != 1 || l.s != 1)) {
    issues.push_back(fmt::format("{}: a fully connected layer has h = w = r = s = 1", l.name));
  }
  if (l.kind == LayerKind::kPointwise && (l.r != 1 || l.s != 1)) {
    issues.push_back(fmt::format("{}: a pointwise layer has a 1x1 filter (got {}x{})", l.name, l.r, l.s));
  }
  // The non-zero index (workloads/nonzero_index.h) stores an output channel and an input column in 16
  // bits: a wider layer is refused here, where the message can name it, not by an internal check there.
  if (l.m > 65536) issues.push_back(fmt::format("{}: output channels m must be at most 65536 per group (got {})", l.name, l.m));
  if (l.w > 65536) issues.push_back(fmt::format("{}: input width w must be at most 65536 (got {})", l.name, l.w));
  return issues;
}

}  // namespace eyesim::workloads
