// Network TOML parsing with exact error places.
#include "sweep/network_file.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/nearest_name.h"
#include "core/rng.h"
#include "sweep/text_file.h"
#include "sweep/toml_place.h"
#include "sweep/toml_text.h"

namespace eyesim::sweep {
namespace {

constexpr std::array<std::string_view, 19> kLayerKeys = {
    "name", "kind", "c", "m", "h", "w", "r", "s", "stride", "pad", "groups", "iact_density", "weight_density",
    "iact_pattern", "weight_pattern", "iact_mask", "weight_mask", "mask_order", "n"};

std::uint32_t positive(const toml::table& t, std::string_view layer, std::string_view key, std::uint32_t fallback,
                       bool required, std::string_view file, std::uint32_t min = 1) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) fail(file, t.source(), fmt::format("layer '{}' is missing the required key '{}'", layer, key));
    return fallback;
  }
  const auto v = n->value_exact<std::int64_t>();
  if (!v)
    fail(file, n->source(), fmt::format("layer '{}': '{}' expects an integer (got {})", layer, key, value_text(*n)));
  if (*v < min || *v > 1'000'000)
    fail(file, n->source(), fmt::format("layer '{}': '{}' must be in [{}, 1000000] (got {})", layer, key, min, *v));
  return static_cast<std::uint32_t>(*v);
}

void read_density(const toml::table& t, std::string_view prefix, workloads::DensitySpec& d, std::string_view file,
                  const std::filesystem::path& base_dir) {
  const std::string density_key = fmt::format("{}_density", prefix);
  if (const toml::node* n = t.get(density_key)) {
    if (!n->is_number())
      fail(file, n->source(), fmt::format("'{}' expects a number in [0, 1] (got {})", density_key, value_text(*n)));
    d.density = *number_value(*n);
    if (!(d.density >= 0.0 && d.density <= 1.0))
      fail(file, n->source(), fmt::format("'{}' must be in [0, 1] (got {})", density_key, d.density));
  }
  const std::string pattern_key = fmt::format("{}_pattern", prefix);
  if (const toml::node* n = t.get(pattern_key)) {
    const auto v = n->value<std::string>();
    if (!v || !workloads::parse_sparsity_pattern(*v, d.pattern))
      fail(file, n->source(), fmt::format("'{}' expects \"uniform\", \"output_channels\" or \"input_channels\"", pattern_key));
  }
  const std::string mask_key = fmt::format("{}_mask", prefix);
  if (const toml::node* n = t.get(mask_key)) {
    const auto v = n->value<std::string>();
    if (!v) fail(file, n->source(), fmt::format("'{}' expects a file path", mask_key));
    const std::filesystem::path p(*v);
    d.mask_file = (p.is_absolute() ? p : base_dir / p).string();
    fail_unless_file(d.mask_file, "mask file", file, n->source());
  }
  if (const toml::node* n = t.get("mask_order")) {
    const auto v = n->value<std::string>();
    if (v == "native") d.mask_order = workloads::MaskOrder::kNative;
    else if (v == "channel_last") d.mask_order = workloads::MaskOrder::kChannelLast;
    else fail(file, n->source(), "'mask_order' expects \"native\" or \"channel_last\"");
  }
}

}  // namespace

workloads::Network parse_network_toml(std::string_view text, std::string_view file, const std::filesystem::path& base_dir) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    fail(file, e.source(), e.description());
  }
  for (const auto& [key, value] : root) {
    if (key != "name" && key != "layer")
      fail(file, value.source(), fmt::format("unknown key '{}' (expected name, [[layer]]){}", key.str(),
                                             did_you_mean(key.str(), std::array<std::string_view, 2>{"name", "layer"})));
  }
  workloads::Network net;
  const auto name = root["name"].value<std::string>();
  if (!name) fail(file, root.source(), "missing string key 'name'");
  if (name->empty()) fail(file, root.get("name")->source(), "the network's 'name' must not be empty");
  // A NUL ends a name for C and for HDF5's fixed-length strings: "a\0b" would read back as "a" (helper-58).
  if (name->find('\0') != std::string::npos)
    fail(file, root.get("name")->source(), "the network's 'name' must not hold a NUL character (\\u0000)");
  net.name = *name;
  const toml::array* layers = root["layer"].as_array();
  if (!layers || layers->empty()) fail(file, root.source(), "a network needs at least one [[layer]]");
  std::unordered_map<std::string, std::size_t> layer_index;  // name -> place in the file
  for (const toml::node& node : *layers) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node.source(), "[[layer]] entries must be tables");
    for (const auto& [key, value] : *t) {
      if (std::find(kLayerKeys.begin(), kLayerKeys.end(), key.str()) == kLayerKeys.end())
        fail(file, value.source(), fmt::format("unknown layer key '{}' (expected one of: {}){}", key.str(),
                                               fmt::join(kLayerKeys, ", "),
                                               did_you_mean(key.str(), kLayerKeys)));
    }
    workloads::LayerSpec l;
    workloads::LayerShape& s = l.shape;
    const auto lname = (*t)["name"].value<std::string>();
    if (!lname) fail(file, t->source(), "layer is missing the required string key 'name'");
    // A layer is selected by its name ([[mapping]] layer = ..., traces in Python): an empty one selects
    // nothing (a mapping entry without a layer is every layer's), and two of one name would make each of
    // those pick one of them without saying so. (Looked up in a table: a scan of the earlier layers made
    // 100,000 layers take a minute; found by helper-49.)
    if (lname->empty()) fail(file, t->get("name")->source(), "a layer's 'name' must not be empty");
    if (lname->find('\0') != std::string::npos)
      fail(file, t->get("name")->source(), "a layer's 'name' must not hold a NUL character (\\u0000)");
    if (const auto [taken, fresh] = layer_index.emplace(*lname, net.layers.size()); !fresh)
      fail(file, t->get("name")->source(),
           fmt::format("layer name '{}' is taken by layer {} of the file; layer names must be unique (they select a "
                       "layer in [[mapping]] and the result file's traces)",
                       *lname, taken->second + 1));
    s.name = *lname;
    const auto kind = (*t)["kind"].value<std::string>();
    if (!kind || !workloads::parse_layer_kind(*kind, s.kind))
      fail(file, t->get("kind") ? t->get("kind")->source() : t->source(),
           fmt::format("layer '{}': 'kind' expects \"conv\", \"depthwise\", \"pointwise\" or \"fc\" ({})", s.name,
                       t->get("kind") ? "got " + value_text(*t->get("kind")) : std::string("missing")));
    const bool fc = s.kind == workloads::LayerKind::kFullyConnected;
    const bool dw = s.kind == workloads::LayerKind::kDepthwise;
    // The batch is the run's (--batch, a spec's batch or workload.batch), the same for every layer:
    // prepare_network sets n to it, so any other n here would be silently replaced.
    s.n = positive(*t, s.name, "n", 1, false, file);
    if (s.n != 1)
      fail(file, t->get("n")->source(),
           fmt::format("layer '{}': 'n' (the batch) is set for the whole network by --batch, or by a sweep's batch or "
                       "workload.batch; 'n' must be 1 or be omitted (got {})",
                       s.name, s.n));
    s.c = positive(*t, s.name, "c", 1, true, file);
    s.m = positive(*t, s.name, "m", s.c, !dw, file);
    s.h = positive(*t, s.name, "h", 1, !fc, file);
    s.w = positive(*t, s.name, "w", s.h, false, file);
    s.r = positive(*t, s.name, "r", s.kind == workloads::LayerKind::kConv || dw ? 3 : 1, false, file);
    s.s = positive(*t, s.name, "s", s.r, false, file);
    s.u = positive(*t, s.name, "stride", 1, false, file);
    s.pad = positive(*t, s.name, "pad", 0, false, file, 0);
    s.g = positive(*t, s.name, "groups", dw ? s.c : 1, false, file);
    if (dw) {
      // A file writes a depthwise layer by its channel count c: c groups of one channel, one filter
      // each. An explicit 'groups' or 'm' must describe that same layer (m per group or in all); any
      // other value (other groups, a channel multiplier) is another layer, once silently replaced.
      const auto place = [&](std::string_view key) { return t->get(key)->source(); };
      if (s.g != s.c)
        fail(file, place("groups"),
             fmt::format("layer '{}': a depthwise layer of c = {} channels has {} groups of one channel; 'groups' must "
                         "be {} or be omitted (got {})",
                         s.name, s.c, s.c, s.c, s.g));
      if (s.m != 1 && s.m != s.c)
        fail(file, place("m"),
             fmt::format("layer '{}': a depthwise layer of c = {} channels has one filter per channel; 'm' must be 1 "
                         "(per group) or {} (in all) or be omitted (got {}); a channel multiplier k is kind = \"conv\" "
                         "with c = 1, m = k, groups = {}",
                         s.name, s.c, s.c, s.m, s.c));
      s.c = s.m = 1;
    }
    read_density(*t, "iact", l.iacts, file, base_dir);
    read_density(*t, "weight", l.weights, file, base_dir);
    if (const auto issues = workloads::validate(s); !issues.empty()) fail(file, t->source(), issues.front());
    net.layers.push_back(std::move(l));
  }
  return net;
}

namespace {

void write_density(std::string& out, std::string_view prefix, const workloads::DensitySpec& d) {
  if (!d.mask_file.empty()) {
    // Absolute, so that the file can be saved anywhere; the mask overrides density and pattern.
    out += fmt::format("{}_mask = {}\n", prefix, toml_string(std::filesystem::absolute(d.mask_file).string()));
    return;
  }
  if (d.density != 1.0) out += fmt::format("{}_density = {}\n", prefix, toml_float(d.density));
  if (d.pattern != workloads::SparsityPattern::kUniform)
    out += fmt::format("{}_pattern = {}\n", prefix, toml_string(workloads::to_string(d.pattern)));
}

}  // namespace

std::string network_to_toml(const workloads::Network& net) {
  using workloads::LayerKind;
  std::string out = fmt::format(
      "# eyesim network {}: {} layer{}, {} dense MACs (format: workloads/README.md).\n"
      "# Run it with `eyesim run --net FILE`; under the same name its data are the same.\n"
      "name = {}\n",
      toml_string(net.name), net.layers.size(), net.layers.size() == 1 ? "" : "s", net.macs(), toml_string(net.name));
  for (const workloads::LayerSpec& l : net.layers) {
    const workloads::LayerShape& s = l.shape;
    const bool fc = s.kind == LayerKind::kFullyConnected, dw = s.kind == LayerKind::kDepthwise;
    out += fmt::format("\n[[layer]]  # output {} x {}, {} MACs\nname = {}\nkind = {}\n", s.e(), s.f(), s.macs(),
                       toml_string(s.name), toml_string(workloads::to_string(s.kind)));
    // No 'n': the batch is the run's (--batch), not the network's.
    if (dw) {
      out += fmt::format("c = {}\n", s.g);  // a depthwise layer is written by its channels: g groups of one
    } else {
      out += fmt::format("c = {}\nm = {}\n", s.c, s.m);
      if (s.g != 1) out += fmt::format("groups = {}\n", s.g);
    }
    if (!fc || s.h != 1) out += fmt::format("h = {}\n", s.h);
    if (s.w != s.h) out += fmt::format("w = {}\n", s.w);
    const std::uint32_t default_r = s.kind == LayerKind::kConv || dw ? 3 : 1;
    if (s.r != default_r) out += fmt::format("r = {}\n", s.r);
    if (s.s != s.r) out += fmt::format("s = {}\n", s.s);
    if (s.u != 1) out += fmt::format("stride = {}\n", s.u);
    if (s.pad != 0) out += fmt::format("pad = {}\n", s.pad);
    write_density(out, "iact", l.iacts);
    write_density(out, "weight", l.weights);
    // The file has one 'mask_order' per layer, for both operands (every built-in and parsed layer has one).
    if (l.iacts.mask_order != l.weights.mask_order)
      throw std::logic_error(fmt::format("layer '{}': its operands' mask orders differ, which a network file cannot say", s.name));
    if (l.iacts.mask_order == workloads::MaskOrder::kChannelLast) out += "mask_order = \"channel_last\"\n";
  }
  return out;
}

workloads::Network load_network_file(const std::filesystem::path& path) {
  return parse_network_toml(read_text_file(path, "network file"), path.string(), path.parent_path());
}

std::uint64_t network_file_hash(const std::filesystem::path& path) {
  std::uint64_t h = 0;
  try {
    const std::string text = read_text_file(path, "network file");
    h = hash_name(text);
    for (const workloads::LayerSpec& l : parse_network_toml(text, path.string(), path.parent_path()).layers)
      for (const std::string& mask : {l.iacts.mask_file, l.weights.mask_file})
        if (!mask.empty()) h = derive_seed(h, hash_name(read_text_file(mask, "mask file")));
  } catch (const std::exception&) {  // SpecError, or a filesystem error checking a mask's path
  }
  return h;
}

workloads::Network resolve_network(std::string_view name_or_path) {
  if (auto n = workloads::builtin_network(name_or_path)) return *n;
  if (name_or_path.ends_with(".toml")) return load_network_file(std::filesystem::path(name_or_path));
  std::string names;
  for (const auto& n : workloads::builtin_network_names()) names += (names.empty() ? "" : ", ") + n;
  throw SpecError(name_or_path, 0, 0, fmt::format("not a built-in network ({}) nor a .toml network file{}", names,
                                                  did_you_mean(name_or_path, workloads::builtin_network_names())));
}

std::vector<InputFile> network_input_files(std::string_view name_or_path, const workloads::Network& net) {
  std::vector<InputFile> files;
  if (!workloads::builtin_network(name_or_path)) files.push_back({std::string(name_or_path), "the network file"});
  for (const workloads::LayerSpec& l : net.layers) {
    if (!l.iacts.mask_file.empty())
      files.push_back({l.iacts.mask_file, fmt::format("the iact mask of layer '{}'", l.shape.name)});
    if (!l.weights.mask_file.empty())
      files.push_back({l.weights.mask_file, fmt::format("the weight mask of layer '{}'", l.shape.name)});
  }
  return files;
}

void scale_densities(workloads::Network& n, double iact_scale, double weight_scale) {
  for (auto& l : n.layers) {
    l.iacts.density = std::min(1.0, l.iacts.density * iact_scale);
    l.weights.density = std::min(1.0, l.weights.density * weight_scale);
  }
}

workloads::Network scaled_network(std::string_view name_or_path, double iact_scale, double weight_scale) {
  workloads::Network n = resolve_network(name_or_path);
  scale_densities(n, iact_scale, weight_scale);
  return n;
}

}  // namespace eyesim::sweep
