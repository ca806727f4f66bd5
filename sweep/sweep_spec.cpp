// SweepSpec parsing and expansion: axes (grid, zip), explicit points, random samples, where-filters.
#include "sweep/sweep_spec.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include <toml++/toml.h>

#include "sweep/text_file.h"
#include "sweep/toml_place.h"

#include "core/nearest_name.h"
#include "core/rng.h"
#include "hw/presets.h"
#include "sweep/arch_file.h"
#include "sweep/expression.h"
#include "sweep/network_file.h"
#include "sweep/result_tables.h"
#include "workloads/network.h"

extern const std::string_view eyesim_default_sweep_toml;

namespace eyesim::sweep {
namespace {

/// One (name, value) of a point, before it is applied.
struct Setting {
  std::string name;
  const toml::node* value;
};
using Assignment = std::vector<Setting>;

constexpr std::string_view kWorkloadNames[] = {"workload.seed", "workload.batch", "workload.iact_density_scale",
                                               "workload.weight_density_scale"};

/// The most points a sweep expands to, a grid's as a sample's: a few long axes multiply to billions
/// of points, which would exhaust memory while they are expanded (each point holds its architecture).
constexpr std::uint64_t kMaxPoints = 10'000'000;

/// "; did you mean 'X'?" for an unknown point parameter, among network, arch.preset, workload.* and
/// arch.<parameter> ("iact_port_bits" -> "arch.noc.iact_port_bits").
std::string parameter_suggestion(std::string_view name) {
  std::vector<std::string> arch_names;
  for (const std::string_view p : hw::param_names()) arch_names.push_back("arch." + std::string(p));
  std::vector<std::string_view> names = {"network", "arch.preset"};
  names.insert(names.end(), std::begin(kWorkloadNames), std::end(kWorkloadNames));
  names.insert(names.end(), arch_names.begin(), arch_names.end());
  return did_you_mean(name, names);
}

/// The error for a value of arch.preset that names no preset: the value and the presets there are.
std::string preset_expected(const toml::node& value) {
  const auto name = value.value<std::string>();
  return fmt::format("'arch.preset' expects a preset name (got {}; the presets: {}){}", value_text(value),
                     fmt::join(hw::preset_names(), ", "), name ? did_you_mean(*name, hw::preset_names()) : "");
}

class Expander {
 public:
  Expander(std::string_view file, const std::filesystem::path& base_dir) : file_(file), base_dir_(base_dir) {}

  /// Applies one setting to a point; SpecError at the value on a bad name or value.
  void apply(DesignPoint& p, const Setting& s) const {
    const toml::node& v = *s.value;
    if (s.name == "network") {
      const auto text = v.value<std::string>();
      if (!text) fail(file_, v.source(), "'network' expects a string (a built-in name or a .toml file)");
      std::tie(p.network, p.network_file) = resolve_network_name(*text, v);
      return;
    }
    if (s.name == "workload.seed" || s.name == "workload.batch") {
      const auto x = v.value_exact<std::int64_t>();
      if (!x || *x < (s.name == "workload.seed" ? 0 : 1) || *x > (s.name == "workload.seed" ? INT64_MAX : 1024))
        fail(file_, v.source(), fmt::format("'{}' expects an integer{} (got {})", s.name,
                                            s.name == "workload.batch" ? " in [1, 1024]" : " >= 0", value_text(v)));
      if (s.name == "workload.seed") p.seed = static_cast<std::uint64_t>(*x);
      else p.batch = static_cast<std::uint32_t>(*x);
      return;
    }
    if (s.name == "workload.iact_density_scale" || s.name == "workload.weight_density_scale") {
      if (!v.is_number()) fail(file_, v.source(), fmt::format("'{}' expects a number", s.name));
      const double x = *number_value(v);
      if (!(x >= 0.0 && x <= 100.0)) fail(file_, v.source(), fmt::format("'{}' must be in [0, 100] (got {})", s.name, x));
      (s.name == "workload.iact_density_scale" ? p.iact_density_scale : p.weight_density_scale) = x;
      return;
    }
    if (s.name.starts_with("arch.")) {
      const std::string_view path = std::string_view(s.name).substr(5);
      if (!apply_arch_value(p.arch, path, v, file_, "arch."))
        fail(file_, v.source(), fmt::format("unknown parameter '{}' (see 'eyesim show arch eyeriss_v2'){}", s.name,
                                            parameter_suggestion(s.name)));
      return;
    }
    fail(file_, v.source(),
         fmt::format("unknown parameter '{}' (expected arch.<parameter>, arch.preset, network or workload.*){}", s.name,
                     parameter_suggestion(s.name)));
  }

  /// (identity, file) of a spec's network entry: a built-in's name and no file, or a network file's path
  /// exactly as written (so that `where` matches the spelling the spec uses) and that path resolved against
  /// the spec's directory.
  std::pair<std::string, std::string> resolve_network_name(const std::string& text, const toml::node& where) const {
    if (workloads::builtin_network(text)) return {text, {}};
    if (text.ends_with(".toml")) {
      const std::filesystem::path p(text);
      const std::string& identity = text;
      const auto full = p.is_absolute() ? p : base_dir_ / p;
      fail_unless_file(full, "network file", file_, where.source());
      // The path is the network's identity in the result file (/configs.network, /runs.network): it is
      // never cut, so one that does not fit is refused here, before anything is simulated.
      if (identity.size() > kNetworkBytes)
        fail(file_, where.source(),
             fmt::format("network file path '{}' is {} bytes, longer than the {} bytes a result file stores "
                         "(docs/results.md); move the file or use a shorter relative path",
                         identity, identity.size(), kNetworkBytes));
      return {identity, full.string()};
    }
    std::string names;
    for (const auto& n : workloads::builtin_network_names()) names += (names.empty() ? "" : ", ") + n;
    fail(file_, where.source(), fmt::format("unknown network '{}' (built-in: {}; or a .toml file){}", text, names,
                                            did_you_mean(text, workloads::builtin_network_names())));
  }

 private:
  std::string_view file_;
  std::filesystem::path base_dir_;
};

/// The (dotted name, value) pairs of a table and its sub-tables. A quoted key with dots ("a.b" = 1) and
/// a dotted key or sub-table (a.b = 2) are different TOML keys but the same parameter here: only one
/// of them could take effect, so a name set twice is an error at the later place, naming the earlier.
/// `shown_prefix` is put before the name in that message ("arch." for the [arch] table).
void flatten(const toml::table& t, const std::string& prefix, std::vector<std::pair<std::string, const toml::node*>>& out,
             std::string_view file, std::string_view shown_prefix = "") {
  for (const auto& [k, v] : t) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = v.as_table()) {
      flatten(*sub, name, out, file, shown_prefix);
      continue;
    }
    const auto earlier = std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.first == name; });
    if (earlier != out.end()) fail_set_twice(file, fmt::format("{}{}", shown_prefix, name), *earlier->second, v);
    out.emplace_back(name, &v);
  }
}

/// A value the spec gives architecture parameter `path` (in [arch], on an axis, or a range's end) must be a
/// valid value of that parameter on its own (hw::param_range): a SpecError at the value otherwise, naming
/// the parameter, the value and its range. Values each valid alone that the whole architecture refuses (a
/// constraint between parameters, or a range that applies only with another parameter's value) make
/// invalid points instead, which a sweep may mean to explore. An unknown name is left to the caller.
void check_arch_value(std::string_view path, const toml::node& v, std::string_view file) {
  hw::ArchSpec scratch;
  if (!apply_arch_value(scratch, path, v, file, "arch.")) return;
  if (const auto issue = hw::check_own_range(scratch, path))
    fail(file, v.source(), fmt::format("'arch.{}' {}", path, issue->message));
}

/// check_arch_value for a setting by its spec name; other names are checked where they are applied.
void check_setting(std::string_view name, const toml::node& v, std::string_view file) {
  if (name.starts_with("arch.") && name != "arch.preset") check_arch_value(name.substr(5), v, file);
}

/// Calls f with the value of spec name `name` (network, arch.name / arch.preset, workload.*, arch.<parameter>)
/// at `p`, as it is stored: a std::string, an integer, a double, a bool or an enum. False for an unknown name.
template <class F>
bool visit_setting(const DesignPoint& p, std::string_view name, F&& f) {
  if (name == "network") f(p.network);
  else if (name == "arch.name" || name == "arch.preset") f(p.arch.name);
  else if (name == "workload.seed") f(p.seed);
  else if (name == "workload.batch") f(p.batch);
  else if (name == "workload.iact_density_scale") f(p.iact_density_scale);
  else if (name == "workload.weight_density_scale") f(p.weight_density_scale);
  else if (!name.starts_with("arch.")) return false;
  else {
    bool found = false;
    hw::for_each_param(p.arch, [&](std::string_view n, const auto& v) {
      if (n != name.substr(5)) return;
      found = true;
      f(v);
    });
    return found;
  }
  return true;
}

/// A spec name's value at `p` for `where` expressions: numbers (a bool as 0 or 1) or strings.
std::optional<ExprValue> lookup_point(const DesignPoint& p, std::string_view name) {
  std::optional<ExprValue> out;
  visit_setting(p, name, [&](const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string>) out.emplace(v);
    else if constexpr (std::is_arithmetic_v<T>) out.emplace(static_cast<double>(v));
    else out.emplace(std::string(hw::to_string(v)));
  });
  return out;
}

/// "a = 1, b = "x"": the values at `p` of the names `e` reads (each once), for a constraint's error.
std::string point_text(const DesignPoint& p, const Expression& e) {
  std::vector<std::string> names = e.names();
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) != names.begin() + static_cast<std::ptrdiff_t>(i))
      continue;
    const std::optional<ExprValue> v = lookup_point(p, names[i]);
    if (!v) continue;
    const std::string value = std::holds_alternative<double>(*v) ? fmt::format("{}", std::get<double>(*v))
                                                                 : fmt::format("\"{}\"", std::get<std::string>(*v));
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", names[i], value);
  }
  return out.empty() ? "with no names" : out;
}

}  // namespace

SweepSpec parse_sweep_spec(std::string_view text, std::string_view file, const std::filesystem::path& base_dir,
                           std::optional<std::uint64_t> seed_override, std::optional<hw::MapperSearch> mapper_override) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    fail(file, e.source(), e.description());
  }
  static constexpr std::string_view kKeys[] = {"name",   "seed",  "batch",  "networks", "arch",          "axis",
                                               "point",  "sample", "where", "mapper",   "mapper_window", "mapper_candidates"};
  for (const auto& [k, v] : root) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k.str()) == std::end(kKeys))
      fail(file, v.source(), fmt::format("unknown key '{}' (expected one of name, seed, batch, networks, arch, [[axis]], "
                                         "[[point]], [sample], where, mapper, mapper_window, mapper_candidates){}",
                                         k.str(), did_you_mean(k.str(), kKeys)));
  }
  SweepSpec spec;
  spec.source_name = std::string(file);
  spec.text = std::string(text);
  spec.name = "sweep";
  if (const toml::node* n = root.get("name")) {
    const auto v = n->value<std::string>();
    if (!v) fail(file, n->source(), fmt::format("'name' expects a string (got {})", value_text(*n)));
    if (v->find('\0') != std::string::npos)  // (the file's spec_name attribute would end there; helper-58)
      fail(file, n->source(), "'name' must not hold a NUL character (\\u0000)");
    spec.name = *v;
  }
  if (const toml::node* s = root.get("seed")) {
    const auto v = s->value_exact<std::int64_t>();
    if (!v || *v < 0) fail(file, s->source(), fmt::format("'seed' expects a non-negative integer (got {})", value_text(*s)));
    spec.seed = static_cast<std::uint64_t>(*v);
  }
  if (seed_override) spec.seed = *seed_override;  // --seed 0 too: 0 is a seed like any other
  // The mapper search of every point (docs/sweeps.md): one per sweep, like the seed.
  if (const toml::node* m = root.get("mapper")) {
    const auto mode = m->value_exact<std::string>() ? hw::parse_mapper_mode(*m->value_exact<std::string>()) : std::nullopt;
    if (!mode) fail(file, m->source(), fmt::format("'mapper' expects \"estimate\" or \"simulate\" (got {})", value_text(*m)));
    spec.mapper.mode = *mode;
  }
  for (const char* key : {"mapper_window", "mapper_candidates"}) {
    const toml::node* n = root.get(key);
    if (n && spec.mapper.mode != hw::MapperMode::kSimulate)
      fail(file, n->source(), fmt::format("'{}' applies only with mapper = \"simulate\"", key));
  }
  if (const toml::node* w = root.get("mapper_window")) {
    const auto v = number_value(*w);
    if (!w->is_number() || !v || !(*v >= 0 && *v <= hw::MapperSearch::kMaxWindow))
      fail(file, w->source(), fmt::format("'mapper_window' expects a number in [0, {}] (got {})", hw::MapperSearch::kMaxWindow,
                                          value_text(*w)));
    spec.mapper.window = *v;
  }
  if (const toml::node* c = root.get("mapper_candidates")) {
    const auto v = c->value_exact<std::int64_t>();
    if (!v || *v < 1 || *v > hw::MapperSearch::kMaxCandidates)
      fail(file, c->source(), fmt::format("'mapper_candidates' expects an integer in [1, {}] (got {})",
                                          hw::MapperSearch::kMaxCandidates, value_text(*c)));
    spec.mapper.max_candidates = static_cast<std::uint32_t>(*v);
  }
  if (mapper_override) {  // `sweep --mapper`: replaces the keys' search as a whole (they were checked above)
    if (const auto issues = hw::validate(*mapper_override); !issues.empty())
      throw std::invalid_argument(fmt::format("mapper search: {} {}", issues.front().path, issues.front().message));
    spec.mapper = *mapper_override;
  }
  Expander ex(file, base_dir);

  // The base point: architecture (preset + overrides), first network, seed, batch.
  DesignPoint base;
  base.seed = spec.seed;
  std::vector<std::pair<std::string, const toml::node*>> base_overrides;
  std::string base_preset = "eyeriss_v2";
  if (const toml::node* a = root.get("arch")) {
    if (auto name = a->value<std::string>()) {
      base_preset = *name;
      if (!hw::preset(base_preset))
        fail(file, a->source(), fmt::format("unknown preset '{}' (the presets: {}){}", base_preset,
                                            fmt::join(hw::preset_names(), ", "), did_you_mean(base_preset, hw::preset_names())));
    } else if (const toml::table* t = a->as_table()) {
      if (const toml::node* p = t->get("preset")) {
        const auto v = p->value<std::string>();
        if (!v || !hw::preset(*v)) fail(file, p->source(), preset_expected(*p));
        base_preset = *v;
      }
      flatten(*t, "", base_overrides, file, "arch.");
      std::erase_if(base_overrides, [](const auto& o) { return o.first == "preset"; });
      for (const auto& [path, value] : base_overrides) check_arch_value(path, *value, file);
    } else {
      fail(file, a->source(), "'arch' expects a preset name or a table with preset = and overrides");
    }
  }
  const auto make_arch = [&](const std::string& preset_name) {
    hw::ArchSpec arch = *hw::preset(preset_name);
    for (const auto& [path, value] : base_overrides) {
      if (!apply_arch_value(arch, path, *value, file, "arch."))
        fail(file, value->source(), fmt::format("unknown parameter 'arch.{}' (see 'eyesim show arch eyeriss_v2'){}", path,
                                                did_you_mean(path, hw::param_names())));
    }
    return arch;
  };
  base.arch = make_arch(base_preset);
  if (const toml::node* b = root.get("batch")) {
    const auto v = b->value_exact<std::int64_t>();
    if (!v || *v < 1 || *v > 1024)
      fail(file, b->source(), fmt::format("'batch' expects an integer in [1, 1024] (got {})", value_text(*b)));
    base.batch = static_cast<std::uint32_t>(*v);
  }
  std::vector<std::pair<std::string, std::string>> networks;  // (identity, file), resolve_network_name
  if (const toml::node* n = root.get("networks")) {
    const toml::array* arr = n->as_array();
    if (!arr || arr->empty()) fail(file, n->source(), "'networks' expects a non-empty array of network names or files");
    std::map<std::string, const toml::node*> listed;  // name -> its entry
    for (const toml::node& e : *arr) {
      const auto s = e.value<std::string>();
      if (!s) fail(file, e.source(), "'networks' entries must be strings");
      // Twice, every point would be simulated twice, under two ids.
      if (const auto [first, fresh] = listed.emplace(*s, &e); !fresh)
        fail(file, e.source(),
             fmt::format("network '{}' is listed twice in 'networks' (also at {})", *s, place(first->second->source())));
      networks.push_back(ex.resolve_network_name(*s, e));
    }
  } else {
    networks.push_back({"sparse_mobilenet", {}});
  }

  // Axes: grid over zip groups, in the order written (the first axis varies slowest).
  std::deque<toml::value<double>> owned_doubles;
  std::deque<toml::value<std::int64_t>> owned_ints;
  struct Dimension {
    std::vector<std::string> names;
    std::vector<const toml::array*> values;
    std::size_t size = 0;
  };
  std::vector<Dimension> grid;
  std::map<std::string, std::size_t> zip_groups;
  std::vector<std::string> swept;
  // Where each axis (grid, zipped or sampled) names its parameter: a second axis of the same parameter
  // would silently replace the first one's values in every point.
  std::map<std::string, toml::source_region> axis_places;
  const auto claim_axis = [&](const std::string& name, const toml::node& where) {
    const auto [it, fresh] = axis_places.emplace(name, where.source());
    if (!fresh)
      fail(file, where.source(),
           fmt::format("'{}' already has an axis at {} (one axis per parameter: give that axis all the values)", name,
                       place(it->second)));
  };
  const auto check_name = [&](const std::string& name, const toml::node& where) {
    const bool known = name == "network" || name == "arch.preset" ||
                       std::find(std::begin(kWorkloadNames), std::end(kWorkloadNames), name) != std::end(kWorkloadNames) ||
                       (name.starts_with("arch.") && lookup_point(base, name).has_value());
    if (!known)
      fail(file, where.source(),
           fmt::format("unknown parameter '{}' (expected arch.<parameter>, arch.preset, network or workload.*){}", name,
                       parameter_suggestion(name)));
  };
  if (const toml::node* axes = root.get("axis")) {
    const toml::array* arr = axes->as_array();
    if (!arr) fail(file, axes->source(), "'axis' must be an array of tables [[axis]]");
    for (const toml::node& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) fail(file, node.source(), "[[axis]] entries must be tables");
      static constexpr std::string_view kAxisKeys[] = {"name", "values", "zip"};
      for (const auto& [k, v] : *t) {
        if (std::find(std::begin(kAxisKeys), std::end(kAxisKeys), k.str()) == std::end(kAxisKeys))
          fail(file, v.source(), fmt::format("unknown key '{}' in [[axis]] (expected name, values, zip){}", k.str(),
                                             did_you_mean(k.str(), kAxisKeys)));
      }
      const auto name = (*t)["name"].value<std::string>();
      if (!name) fail(file, t->source(), "[[axis]] needs a string 'name'");
      check_name(*name, *t->get("name"));
      claim_axis(*name, *t->get("name"));
      const toml::array* values = (*t)["values"].as_array();
      if (!values) fail(file, t->source(), fmt::format("axis '{}' needs an array 'values'", *name));
      if (values->empty()) fail(file, t->get("values")->source(), fmt::format("axis '{}' has no values", *name));
      for (const toml::node& v : *values) check_setting(*name, v, file);
      swept.push_back(*name);
      if (const toml::node* z = t->get("zip"); z && !z->is_string())
        fail(file, z->source(), fmt::format("axis '{}': 'zip' expects a string (the name of its group of axes)", *name));
      if (const auto zip = (*t)["zip"].value<std::string>()) {
        auto [it, fresh] = zip_groups.emplace(*zip, grid.size());
        if (fresh) grid.push_back({});
        Dimension& d = grid[it->second];
        if (!d.names.empty() && d.size != values->size())
          fail(file, t->get("values")->source(),
               fmt::format("zipped axis '{}' has {} values but its group '{}' has {}", *name, values->size(), *zip, d.size));
        d.names.push_back(*name);
        d.values.push_back(values);
        d.size = values->size();
      } else {
        grid.push_back(Dimension{{*name}, {values}, values->size()});
      }
    }
  }

  std::vector<Assignment> combos;
  const toml::table* sample = root["sample"].as_table();
  if (sample) {
    if (!grid.empty()) fail(file, sample->source(), "use either [[axis]] (a grid) or [sample] (random points), not both");
    static constexpr std::string_view kSampleKeys[] = {"count", "seed", "axis"};
    for (const auto& [k, v] : *sample) {
      if (std::find(std::begin(kSampleKeys), std::end(kSampleKeys), k.str()) == std::end(kSampleKeys))
        fail(file, v.source(), fmt::format("unknown key '{}' in [sample] (expected count, seed, [[sample.axis]]){}", k.str(),
                                           did_you_mean(k.str(), kSampleKeys)));
    }
    if (const toml::node* sd = sample->get("seed"); sd && (!sd->value_exact<std::int64_t>() || *sd->value_exact<std::int64_t>() < 0))
      fail(file, sd->source(), fmt::format("[sample] 'seed' expects a non-negative integer (got {})", value_text(*sd)));
    const auto count = (*sample)["count"].value_exact<std::int64_t>();
    if (!count || *count < 1 || std::uint64_t(*count) > kMaxPoints) {
      const toml::node* c = sample->get("count");
      fail(file, c ? c->source() : sample->source(),
           fmt::format("[sample] needs 'count' in [1, {}]{}", kMaxPoints, c ? " (got " + value_text(*c) + ")" : ""));
    }
    Rng rng((*sample)["seed"].value_or(std::int64_t{1}));
    const toml::array* axes = (*sample)["axis"].as_array();
    if (!axes || axes->empty()) fail(file, sample->source(), "[sample] needs [[sample.axis]] entries with name and range or values");
    struct SampleAxis {
      std::string name;
      const toml::array* values = nullptr;
      double lo = 0, hi = 0;
      bool integer = false;
      std::int64_t int_lo = 0, int_hi = 0;  ///< the ends of an integer range, exactly (a double rounds past 2^53)
    };
    std::vector<SampleAxis> sa;
    for (const toml::node& node : *axes) {
      const toml::table* t = node.as_table();
      if (!t) fail(file, node.source(), "[[sample.axis]] entries must be tables");
      static constexpr std::string_view kSampleAxisKeys[] = {"name", "range", "values"};
      for (const auto& [k, v] : *t) {
        if (std::find(std::begin(kSampleAxisKeys), std::end(kSampleAxisKeys), k.str()) == std::end(kSampleAxisKeys))
          fail(file, v.source(), fmt::format("unknown key '{}' in [[sample.axis]] (expected name, range or values){}",
                                             k.str(), did_you_mean(k.str(), kSampleAxisKeys)));
      }
      SampleAxis a;
      const auto name = (*t)["name"].value<std::string>();
      if (!name) fail(file, t->source(), "[[sample.axis]] needs a string 'name'");
      check_name(*name, *t->get("name"));
      claim_axis(*name, *t->get("name"));
      a.name = *name;
      swept.push_back(*name);
      if (const toml::array* r = (*t)["range"].as_array()) {
        if (r->size() != 2 || !r->get(0)->is_number() || !r->get(1)->is_number())
          fail(file, t->get("range")->source(), "'range' expects [low, high]");
        a.integer = r->get(0)->is_integer() && r->get(1)->is_integer();
        if (a.integer) {
          a.int_lo = *r->get(0)->value<std::int64_t>();
          a.int_hi = *r->get(1)->value<std::int64_t>();
        }
        a.lo = *number_value(*r->get(0));
        a.hi = *number_value(*r->get(1));
        if (!std::isfinite(a.lo) || !std::isfinite(a.hi))
          fail(file, t->get("range")->source(), fmt::format("'range' expects finite numbers [low, high] (got [{}, {}])", a.lo, a.hi));
        const std::string ends = fmt::format("[{}, {}]", value_text(*r->get(0)), value_text(*r->get(1)));
        if (a.integer ? a.int_hi < a.int_lo : a.hi < a.lo)
          fail(file, t->get("range")->source(), fmt::format("'range' of '{}': low is above high (got {})", a.name, ends));
        // An integer setting draws integers: a range of it needs integer ends (the first end's check said
        // "expects a non-negative integer" of 1.0, naming the parameter without its "arch."; helper-52).
        bool integral = false;
        visit_setting(base, a.name, [&](const auto& v) {
          using T = std::remove_cvref_t<decltype(v)>;
          integral = std::is_integral_v<T> && !std::is_same_v<T, bool>;
        });
        if (integral && !a.integer)
          fail(file, t->get("range")->source(),
               fmt::format("'{}' takes integers: write the ends of its 'range' as integers (got {})", a.name, ends));
        // The drawn values lie between the ends and have no place in the file, so the ends are checked
        // here, where an error can name them (every parameter's valid values form one interval).
        for (const toml::node* end : {r->get(0), r->get(1)}) {
          if (a.name == "arch.preset") fail(file, end->source(), "'arch.preset' cannot be a range: give its presets as values");
          DesignPoint scratch = base;
          ex.apply(scratch, {a.name, end});
          check_setting(a.name, *end, file);
        }
      } else if (const toml::array* v = (*t)["values"].as_array()) {
        if (v->empty()) fail(file, t->get("values")->source(), fmt::format("axis '{}' has no values", a.name));
        for (const toml::node& value : *v) check_setting(a.name, value, file);
        a.values = v;
      } else {
        fail(file, t->source(), fmt::format("sample axis '{}' needs 'range' or 'values'", a.name));
      }
      sa.push_back(a);
    }
    const bool network_axis = std::any_of(sa.begin(), sa.end(), [](const SampleAxis& a) { return a.name == "network"; });
    if (const std::uint64_t copies = network_axis ? 1 : networks.size(); std::uint64_t(*count) > kMaxPoints / copies)
      fail(file, sample->source(),
           fmt::format("[sample] count = {} x {} networks is more than the {} points a sweep may have", *count, copies,
                       kMaxPoints));
    for (std::int64_t i = 0; i < *count; ++i) {
      Assignment as;
      for (const SampleAxis& a : sa) {
        if (a.values) {
          as.push_back({a.name, a.values->get(rng.below(a.values->size()))});
        } else if (a.integer) {
          // Rng::between's draw, in unsigned arithmetic: hi - lo of a wide range overflows an int64.
          const std::uint64_t span = static_cast<std::uint64_t>(a.int_hi) - static_cast<std::uint64_t>(a.int_lo);
          const std::uint64_t draw = span == ~std::uint64_t{0} ? rng.next() : rng.below(span + 1);
          owned_ints.emplace_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(a.int_lo) + draw));
          as.push_back({a.name, &owned_ints.back()});
        } else {
          owned_doubles.emplace_back(a.lo + (a.hi - a.lo) * rng.uniform());
          as.push_back({a.name, &owned_doubles.back()});
        }
      }
      combos.push_back(std::move(as));
    }
  } else {
    // The size is checked before anything is expanded, saturating (a product of long axes overflows).
    std::uint64_t total = 1;
    double exact = 1.0;
    std::string factors;
    bool network_axis = false;
    for (const Dimension& d : grid) {
      total = total > kMaxPoints / d.size ? kMaxPoints + 1 : total * d.size;
      exact *= double(d.size);
      factors += fmt::format("{}{}", factors.empty() ? "" : " x ", d.size);
      network_axis = network_axis || std::find(d.names.begin(), d.names.end(), "network") != d.names.end();
    }
    const std::uint64_t copies = network_axis ? 1 : networks.size();
    if (total > kMaxPoints / copies)
      fail(file, root.get("axis")->source(),
           fmt::format("the grid has {} = {:.3g} combinations{}, more than the {} points a sweep may have; split it "
                       "into several sweeps or draw points with [sample]",
                       factors, exact, copies > 1 ? fmt::format(" x {} networks", copies) : std::string(), kMaxPoints));
    for (std::size_t i = 0; i < total; ++i) {
      Assignment as;
      std::size_t rest = i;
      std::vector<std::size_t> idx(grid.size());
      for (std::size_t d = grid.size(); d-- > 0;) {
        idx[d] = rest % grid[d].size;
        rest /= grid[d].size;
      }
      for (std::size_t d = 0; d < grid.size(); ++d)
        for (std::size_t k = 0; k < grid[d].names.size(); ++k) as.push_back({grid[d].names[k], grid[d].values[k]->get(idx[d])});
      combos.push_back(std::move(as));
    }
    if (grid.empty() && root.get("point")) combos.clear();  // only explicit points
  }
  std::vector<Assignment> explicit_points;
  if (const toml::node* pts = root.get("point")) {
    const toml::array* arr = pts->as_array();
    if (!arr) fail(file, pts->source(), "'point' must be an array of tables [[point]]");
    for (const toml::node& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) fail(file, node.source(), "[[point]] entries must be tables");
      std::vector<std::pair<std::string, const toml::node*>> flat;
      flatten(*t, "", flat, file);
      Assignment as;
      for (const auto& [name, value] : flat) {
        check_name(name, *value);
        if (std::find(swept.begin(), swept.end(), name) == swept.end()) swept.push_back(name);
        as.push_back({name, value});
      }
      explicit_points.push_back(std::move(as));
    }
  }

  std::vector<Expression> where;
  std::vector<toml::source_region> where_at;  // each constraint's place in the file
  if (const toml::node* w = root.get("where")) {
    const toml::array* arr = w->as_array();
    if (!arr) fail(file, w->source(), "'where' expects an array of expressions (strings)");
    for (const toml::node& e : *arr) {
      const auto s = e.value<std::string>();
      if (!s) fail(file, e.source(), "'where' entries must be strings");
      try {
        where.emplace_back(*s);
        where_at.push_back(e.source());
      } catch (const std::invalid_argument& err) {
        fail(file, e.source(), fmt::format("bad constraint \"{}\": {}", *s, err.what()));
      }
      // Every name, also those an `or` or `and` would never evaluate (a misspelt one went unnoticed): the
      // names a point knows are the same for every point.
      for (const std::string& name : where.back().names())
        if (!lookup_point(base, name))
          fail(file, e.source(),
               fmt::format("constraint \"{}\": unknown name '{}'{}", *s, name, parameter_suggestion(name)));
    }
  }

  // Points: every combination x every network (unless it sets its network), then explicit points.
  const auto add_points = [&](const Assignment& as) {
    const bool sets_network = std::any_of(as.begin(), as.end(), [](const Setting& s) { return s.name == "network"; });
    const std::size_t copies = sets_network ? 1 : networks.size();
    for (std::size_t k = 0; k < copies; ++k) {
      DesignPoint p = base;
      std::tie(p.network, p.network_file) = networks[sets_network ? 0 : k];
      for (const Setting& s : as) {
        if (s.name != "arch.preset") continue;
        const auto v = s.value->value<std::string>();
        if (!v || !hw::preset(*v)) fail(file, s.value->source(), preset_expected(*s.value));
        p.arch = make_arch(*v);
      }
      for (const Setting& s : as) {
        if (s.name != "arch.preset") ex.apply(p, s);
      }
      bool keep = true;
      for (std::size_t i = 0; i < where.size(); ++i) {
        const Expression& e = where[i];
        const toml::source_region& at = where_at[i];
        try {
          keep = keep && e.holds([&](std::string_view n) { return lookup_point(p, n); });
        } catch (const UnknownName& err) {
          fail(file, at, fmt::format("constraint \"{}\": {}{}", e.text(), err.what(), parameter_suggestion(err.name)));
        } catch (const std::invalid_argument& err) {
          fail(file, at, fmt::format("constraint \"{}\": {} (at the point {})", e.text(), err.what(), point_text(p, e)));
        }
      }
      if (!keep) {
        ++spec.dropped_by_where;
        continue;
      }
      for (const hw::ConfigIssue& i : hw::validate(p.arch)) p.invalid.push_back(fmt::format("arch.{} {}", i.path, i.message));
      p.id = spec.points.size();
      spec.points.push_back(std::move(p));
    }
  };
  if (combos.empty() && explicit_points.empty()) combos.push_back({});
  // The list at its final size at once: grown by doubling, a sample of millions of points would hold up to
  // twice its size while it is copied. (With `where`, the count is not known: most points may be dropped.)
  if (where.empty()) {
    std::size_t count = 0;
    for (const auto* list : {&combos, &explicit_points})
      for (const Assignment& as : *list)
        count += std::any_of(as.begin(), as.end(), [](const Setting& s) { return s.name == "network"; }) ? 1 : networks.size();
    spec.points.reserve(count);
  }
  for (const Assignment& as : combos) add_points(as);
  for (const Assignment& as : explicit_points) add_points(as);
  if (spec.points.empty()) fail(file, root.source(), "the sweep has no points (every point was dropped by 'where')");
  spec.swept = std::move(swept);
  // The network files the points name, and the mask files those name, are inputs the spec text does not
  // hold: a resumed sweep or a merge must not mix points simulated on two versions of them. (Without
  // network files the hash is the text's and the seed's, as before.) A file that cannot be read or
  // parsed adds what can be read: its points fail anyway.
  // Taken in the order of their identities (the paths as the spec writes them): the order of the resolved
  // paths depends on how the spec was reached (an absolute network path sorts before or after a relative
  // one resolved against a relative or an absolute spec path), and the hash is order-sensitive.
  std::uint64_t inputs = hash_name(spec.text);
  std::map<std::string, std::string> files;  // identity -> the file read
  for (const DesignPoint& p : spec.points)
    if (!p.network_file.empty()) files.emplace(p.network, p.network_file);
  for (const auto& [identity, f] : files) {
    const std::uint64_t h = network_file_hash(f);
    spec.network_file_hashes.emplace(f, h);
    inputs = derive_seed(inputs, h);
  }
  spec.spec_hash = derive_seed(inputs, spec.seed);
  // A searched sweep's results are not an estimate sweep's (whatever spelling of the keys made it).
  spec.spec_hash = mapper_spec_hash(spec.spec_hash, spec.mapper);
  return spec;
}

std::string setting_text(const DesignPoint& p, std::string_view name) {
  std::string out;
  visit_setting(p, name, [&](const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string>) out = v;
    else if constexpr (std::is_same_v<T, bool>) out = v ? "true" : "false";
    else if constexpr (std::is_arithmetic_v<T>) out = fmt::format("{}", v);
    else out = std::string(hw::to_string(v));
  });
  return out;
}

std::uint64_t mapper_spec_hash(std::uint64_t hash, const hw::MapperSearch& mapper) {
  if (mapper.mode == hw::MapperMode::kEstimate) return hash;  // (the hash of every file written before the option)
  return derive_seed(hash, hash_name(hw::describe(mapper)));
}

SweepSpec load_sweep_spec(const std::filesystem::path& path, std::optional<std::uint64_t> seed_override,
                          std::optional<hw::MapperSearch> mapper_override) {
  return parse_sweep_spec(read_text_file(path, "sweep spec"), path.string(), path.parent_path(), seed_override,
                          mapper_override);
}

SweepSpec default_sweep_spec(std::optional<std::uint64_t> seed_override, std::optional<hw::MapperSearch> mapper_override) {
  return parse_sweep_spec(eyesim_default_sweep_toml, "<built-in default sweep>", ".", seed_override, mapper_override);
}

}  // namespace eyesim::sweep
