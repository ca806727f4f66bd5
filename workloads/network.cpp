// The built-in networks and their sparsity. Shapes: docs/reference/eyeriss-facts.md §5; densities: §2.5 and the
// proxies documented in workloads/README.md.
#include "workloads/network.h"

#include <array>

#include <fmt/format.h>

namespace eyesim::workloads {
namespace {

LayerSpec conv(std::string name, std::uint32_t c, std::uint32_t m, std::uint32_t hw, std::uint32_t k,
               std::uint32_t stride, std::uint32_t pad, std::uint32_t groups = 1) {
  LayerSpec l;
  l.shape = LayerShape{.name = std::move(name), .kind = k == 1 ? LayerKind::kPointwise : LayerKind::kConv,
                       .n = 1, .g = groups, .c = c, .m = m, .h = hw, .w = hw, .r = k, .s = k, .u = stride, .pad = pad};
  return l;
}

LayerSpec depthwise(std::string name, std::uint32_t channels, std::uint32_t hw, std::uint32_t stride) {
  LayerSpec l;
  l.shape = LayerShape{.name = std::move(name), .kind = LayerKind::kDepthwise, .n = 1, .g = channels, .c = 1, .m = 1,
                       .h = hw, .w = hw, .r = 3, .s = 3, .u = stride, .pad = 1};
  return l;
}

LayerSpec fc(std::string name, std::uint32_t inputs, std::uint32_t outputs) {
  LayerSpec l;
  l.shape = LayerShape{.name = std::move(name), .kind = LayerKind::kFullyConnected, .c = inputs, .m = outputs};
  return l;
}

/// AlexNet, the original 2-group version (227x227 input), as in V1 Table III: 724,406,816 MACs.
Network alexnet() {
  Network n{"alexnet", {}};
  n.layers.push_back(conv("CONV1", 3, 96, 227, 11, 4, 0));
  n.layers.push_back(conv("CONV2", 48, 128, 27, 5, 1, 2, 2));
  n.layers.push_back(conv("CONV3", 256, 384, 13, 3, 1, 1));
  n.layers.push_back(conv("CONV4", 192, 192, 13, 3, 1, 1, 2));
  n.layers.push_back(conv("CONV5", 192, 128, 13, 3, 1, 1, 2));
  n.layers.push_back(fc("FC6", 9216, 4096));
  n.layers.push_back(fc("FC7", 4096, 4096));
  n.layers.push_back(fc("FC8", 4096, 1000));
  return n;
}

/// MobileNet v1 (Howard et al. 2017, Table 1) at a width multiplier and input resolution.
/// Layers are numbered L01..L28 as in eyeriss-facts.md §5.2.
Network mobilenet(std::string name, double width, std::uint32_t resolution) {
  const auto ch = [&](std::uint32_t base) { return static_cast<std::uint32_t>(base * width); };
  struct Block {
    std::uint32_t in, out, stride;
  };
  constexpr std::array<Block, 13> kBlocks = {{{32, 64, 1}, {64, 128, 2}, {128, 128, 1}, {128, 256, 2},
                                              {256, 256, 1}, {256, 512, 2}, {512, 512, 1}, {512, 512, 1},
                                              {512, 512, 1}, {512, 512, 1}, {512, 512, 1}, {512, 1024, 2},
                                              {1024, 1024, 1}}};
  Network n{std::move(name), {}};
  std::uint32_t hw = resolution;
  n.layers.push_back(conv("L01", 3, ch(32), hw, 3, 2, 1));
  hw = n.layers.back().shape.e();
  int index = 2;
  for (const Block& b : kBlocks) {
    n.layers.push_back(depthwise(fmt::format("L{:02}", index++), ch(b.in), hw, b.stride));
    hw = n.layers.back().shape.e();
    n.layers.push_back(conv(fmt::format("L{:02}", index++), ch(b.in), ch(b.out), hw, 1, 1, 0));
  }
  n.layers.push_back(fc(fmt::format("L{:02}", index), ch(1024), 1000));  // after the global average pool
  return n;
}

/// VGG-16 (Simonyan and Zisserman 2015, configuration D) at 224x224.
Network vgg16() {
  Network n{"vgg16", {}};
  constexpr std::array<std::array<std::uint32_t, 3>, 13> kConvs = {{{3, 64, 224},    {64, 64, 224},   {64, 128, 112},
                                                                    {128, 128, 112}, {128, 256, 56},  {256, 256, 56},
                                                                    {256, 256, 56},  {256, 512, 28},  {512, 512, 28},
                                                                    {512, 512, 28},  {512, 512, 14},  {512, 512, 14},
                                                                    {512, 512, 14}}};
  int i = 1;
  for (const auto& [c, m, hw] : kConvs) n.layers.push_back(conv(fmt::format("CONV{}", i++), c, m, hw, 3, 1, 1));
  n.layers.push_back(fc("FC14", 25088, 4096));
  n.layers.push_back(fc("FC15", 4096, 4096));
  n.layers.push_back(fc("FC16", 4096, 1000));
  return n;
}

/// ResNet-50 (He et al. 2016) in the common "v1.5" form: the stride of a downsampling bottleneck is on
/// its 3x3 convolution; projection shortcuts are 1x1 convolutions with that stride.
Network resnet50() {
  Network n{"resnet50", {}};
  n.layers.push_back(conv("conv1", 3, 64, 224, 7, 2, 3));
  std::uint32_t hw = 56;  // after the 3x3/2 max pool
  std::uint32_t in = 64;
  constexpr std::array<std::array<std::uint32_t, 2>, 4> kStages = {{{64, 3}, {128, 4}, {256, 6}, {512, 3}}};
  int stage = 2;
  for (const auto& [width, blocks] : kStages) {
    for (std::uint32_t b = 0; b < blocks; ++b) {
      const std::uint32_t stride = (b == 0 && stage > 2) ? 2 : 1;
      const std::string p = fmt::format("res{}{}", stage, static_cast<char>('a' + b));
      n.layers.push_back(conv(p + "_1x1a", in, width, hw, 1, 1, 0));
      n.layers.push_back(conv(p + "_3x3", width, width, hw, 3, stride, 1));
      const std::uint32_t out_hw = n.layers.back().shape.e();
      n.layers.push_back(conv(p + "_1x1b", width, width * 4, out_hw, 1, 1, 0));
      if (b == 0) n.layers.push_back(conv(p + "_proj", in, width * 4, hw, 1, stride, 0));
      in = width * 4;
      hw = out_hw;
    }
    ++stage;
  }
  n.layers.push_back(fc("fc", 2048, 1000));
  return n;
}

void set_density(LayerSpec& l, double iacts, double weights) {
  l.iacts.density = iacts;
  l.weights.density = weights;
}

/// AlexNet as the papers ran it: unpruned weights, and the ReLU zeros of real ImageNet activations in
/// the iacts, which a sparse PE skips and a dense PE clock-gates. CONV iact densities: V1 Table V
/// ("zeros in ifmaps": 0.01, 38.7, 72.5, 79.3, 77.6 %); FC inputs 0.5 (ReLU outputs after pooling, a
/// proxy, as for sparse AlexNet).
Network alexnet_relu() {
  Network n = alexnet();
  constexpr std::array<double, 8> kIacts = {0.9999, 0.613, 0.275, 0.207, 0.224, 0.5, 0.5, 0.5};
  for (std::size_t i = 0; i < n.layers.size(); ++i) n.layers[i].iacts.density = kIacts[i];
  return n;
}

/// MobileNet with unpruned weights and ReLU-sparse iacts: the iact densities of sparse MobileNet (the
/// means of its masked layers per kind; the image and the pooled FC input dense), a proxy: pruning the
/// weights changes the activations little next to ReLU (workloads/README.md).
Network mobilenet_relu(std::string name, double width, std::uint32_t resolution) {
  Network n = mobilenet(std::move(name), width, resolution);
  for (LayerSpec& l : n.layers) {
    if (l.shape.kind == LayerKind::kPointwise) l.iacts.density = 0.69;
    if (l.shape.kind == LayerKind::kDepthwise) l.iacts.density = 0.49;
  }
  return n;
}

/// Sparse AlexNet. CONV densities: the Sparseloop artifact's Eyeriss validation (eyeriss-facts.md §2.5).
/// FC weight densities: Han et al. 2015 (Deep Compression) pruning rates, a labelled proxy; FC input
/// densities 0.5 (ReLU outputs after pooling), a proxy.
Network sparse_alexnet() {
  Network n = alexnet();
  n.name = "sparse_alexnet";
  constexpr std::array<std::array<double, 2>, 8> kDensity = {
      {{0.999, 0.710}, {0.600, 0.385}, {0.275, 0.346}, {0.207, 0.372}, {0.230, 0.369},
       {0.5, 0.09}, {0.5, 0.09}, {0.5, 0.25}}};
  for (std::size_t i = 0; i < n.layers.size(); ++i) set_density(n.layers[i], kDensity[i][0], kDensity[i][1]);
  return n;
}

/// Sparse MobileNet 0.5/128. The nine layers with real masks use them (workloads/data/masks); the
/// others take the mean density of the masked layers of their kind (proxies, workloads/README.md).
Network sparse_mobilenet(const std::string& data_dir) {
  Network n = mobilenet("sparse_mobilenet", 0.5, 128);
  constexpr double kPwIacts = 0.69, kPwWeights = 0.60;  // means over the 8 masked pointwise layers
  constexpr double kDwIacts = 0.49, kDwWeights = 0.95;  // the masked depthwise layer L20
  for (LayerSpec& l : n.layers) {
    switch (l.shape.kind) {
      case LayerKind::kPointwise: set_density(l, kPwIacts, kPwWeights); break;
      case LayerKind::kDepthwise: set_density(l, kDwIacts, kDwWeights); break;
      case LayerKind::kConv: set_density(l, 1.0, kDwWeights); break;  // L01 reads the image
      case LayerKind::kFullyConnected: set_density(l, 1.0, 0.30); break;  // average-pooled input; like L27
    }
  }
  for (const char* masked : {"L07", "L09", "L13", "L19", "L20", "L21", "L23", "L25", "L27"}) {
    for (LayerSpec& l : n.layers) {
      if (l.shape.name != masked) continue;
      l.iacts.mask_file = fmt::format("{}/masks/{}_iacts.txt", data_dir, masked);
      l.weights.mask_file = fmt::format("{}/masks/{}_weights.txt", data_dir, masked);
    }
  }
  return n;
}

struct Builtin {
  std::string_view name;
  std::string_view description;
};
constexpr std::array<Builtin, 7> kBuiltins = {{
    {"alexnet", "AlexNet, 2-group original, 227x227, unpruned; iacts with V1 Table V's ReLU zeros (724.4M MACs)"},
    {"sparse_alexnet", "AlexNet with pruned weights and ReLU-sparse iacts (densities: workloads/README.md)"},
    {"mobilenet", "MobileNet v1 0.5/128, unpruned; ReLU-sparse iacts as sparse_mobilenet's (49.2M MACs)"},
    {"sparse_mobilenet", "MobileNet v1 0.5/128, pruned; 9 layers with real masks (workloads/README.md)"},
    {"mobilenet_1_0_224", "MobileNet v1 1.0/224, dense (568.7M MACs)"},
    {"vgg16", "VGG-16, 224x224, dense (15.5G MACs)"},
    {"resnet50", "ResNet-50 v1.5, 224x224, dense (4.1G MACs)"},
}};

}  // namespace

std::string_view to_string(SparsityPattern p) {
  switch (p) {
    case SparsityPattern::kUniform: return "uniform";
    case SparsityPattern::kOutputChannels: return "output_channels";
    case SparsityPattern::kInputChannels: return "input_channels";
  }
  return "?";
}

bool parse_sparsity_pattern(std::string_view text, SparsityPattern& out) {
  for (auto p : {SparsityPattern::kUniform, SparsityPattern::kOutputChannels, SparsityPattern::kInputChannels}) {
    if (to_string(p) == text) {
      out = p;
      return true;
    }
  }
  return false;
}

std::uint64_t Network::macs() const {
  std::uint64_t total = 0;
  for (const LayerSpec& l : layers) total += l.shape.macs();
  return total;
}

std::string default_data_dir() { return EYESIM_DATA_DIR; }

std::vector<std::string> builtin_network_names() {
  std::vector<std::string> names;
  for (const Builtin& b : kBuiltins) names.emplace_back(b.name);
  return names;
}

std::string_view builtin_network_description(std::string_view name) {
  for (const Builtin& b : kBuiltins) {
    if (b.name == name) return b.description;
  }
  return {};
}

std::optional<Network> builtin_network(std::string_view name, std::string_view data_dir) {
  const std::string dir = data_dir.empty() ? default_data_dir() : std::string(data_dir);
  if (name == "alexnet") return alexnet_relu();
  if (name == "sparse_alexnet") return sparse_alexnet();
  if (name == "mobilenet") return mobilenet_relu("mobilenet", 0.5, 128);
  if (name == "sparse_mobilenet") return sparse_mobilenet(dir);
  if (name == "mobilenet_1_0_224") return mobilenet("mobilenet_1_0_224", 1.0, 224);
  if (name == "vgg16") return vgg16();
  if (name == "resnet50") return resnet50();
  return std::nullopt;
}

}  // namespace eyesim::workloads
