// LayerShape: kind names and validation.
#include "workloads/layer_shape.h"

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
  if (l.r > l.h + 2 * l.pad || l.s > l.w + 2 * l.pad) {
    issues.push_back(fmt::format("{}: filter {}x{} larger than padded input {}x{}", l.name, l.r, l.s, l.h + 2 * l.pad,
                                 l.w + 2 * l.pad));
  }
  if (l.kind == LayerKind::kDepthwise && (l.c != 1 || l.m != 1)) {
    issues.push_back(fmt::format("{}: a depthwise layer has c = m = 1 per group (got c={}, m={})", l.name, l.c, l.m));
  }
  if (l.kind == LayerKind::kFullyConnected && (l.h != 1 || l.w != 1 || l.r != 1 || l.s != 1)) {
    issues.push_back(fmt::format("{}: a fully connected layer has h = w = r = s = 1", l.name));
  }
  if (l.kind == LayerKind::kPointwise && (l.r != 1 || l.s != 1)) {
    issues.push_back(fmt::format("{}: a pointwise layer has a 1x1 filter (got {}x{})", l.name, l.r, l.s));
  }
  return issues;
}

}  // namespace eyesim::workloads
