// Parsing of tools/validation/published.toml into PublishedCase values.
#include "tools/validation/published_case.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/nearest_name.h"
#include "sweep/toml_place.h"

extern const std::string_view eyesim_published_toml;
extern const std::string_view eyesim_jssc_table3_mapping_toml;

namespace eyesim::tools {
namespace {

[[noreturn]] void fail(std::string_view file, const toml::source_region& where, const std::string& msg) {
  throw std::runtime_error(fmt::format("{}:{}:{}: error: {}", file, where.begin.line, where.begin.column, msg));
}

std::string value_text(const toml::node& v) {
  if (auto s = v.value<std::string>()) return *s;
  if (v.is_boolean()) return *v.value<bool>() ? "true" : "false";
  if (v.is_integer()) return std::to_string(*v.value<std::int64_t>());
  if (v.is_floating_point()) return fmt::format("{}", *v.value<double>());
  return {};
}

RunKey parse_run(std::string_view file, const toml::table& t, const RunKey* defaults) {
  RunKey k = defaults ? *defaults : RunKey{};
  if (auto a = t["arch"].value<std::string>()) k.arch = *a;
  if (auto n = t["net"].value<std::string>()) k.net = *n;
  if (auto b = t["batch"].value<std::int64_t>()) {
    if (*b < 1 || *b > 1024)
      fail(file, t["batch"].node()->source(), fmt::format("'batch' must be in [1, 1024], as --batch (got {})", *b));
    k.batch = static_cast<std::uint32_t>(*b);
  }
  if (auto m = t["mapping"].value<std::string>()) k.mapping = *m;
  if (k.arch.empty()) fail(file, t.source(), "missing string key 'arch'");
  if (k.net.empty()) fail(file, t.source(), "missing string key 'net'");
  return k;
}

}  // namespace

std::string_view embedded_published_cases() { return eyesim_published_toml; }

std::optional<std::string_view> embedded_mapping_file(std::string_view name) {
  if (name == "jssc_table3_mapping.toml") return eyesim_jssc_table3_mapping_toml;
  return std::nullopt;
}

std::vector<PublishedCase> parse_published_cases(std::string_view text, std::string_view file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    fail(file, e.source(), std::string(e.description()));
  }
  const toml::array* cases = root["case"].as_array();
  if (!cases) fail(file, root.source(), "expected an array of tables [[case]]");
  static constexpr std::string_view kKnown[] = {"id", "group", "metric", "arch", "net", "batch", "layers",
                                                "overrides", "mapping", "baseline", "published", "tolerance", "at_least",
                                                "at_most", "of_cases", "informational", "cheap", "source", "note"};
  static constexpr std::string_view kMetrics[] = {"inferences_per_second", "inferences_per_joule", "dram_mbytes",
                                                  "gops_per_watt", "processing_latency_ms", "active_pes",
                                                  "dram_accesses_mbytes", "mean_abs_error_percent"};
  std::vector<PublishedCase> out;
  std::set<std::string> ids;
  for (const toml::node& node : *cases) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node.source(), "every [[case]] entry must be a table");
    for (const auto& [key, value] : *t) {
      if (std::find(std::begin(kKnown), std::end(kKnown), key.str()) == std::end(kKnown))
        fail(file, value.source(), fmt::format("unknown key '{}' in [[case]] (expected one of: {}){}", key.str(),
                                               fmt::join(kKnown, ", "),
                                               did_you_mean(key.str(), kKnown)));
    }
    PublishedCase c;
    c.id = (*t)["id"].value_or(std::string{});
    if (c.id.empty()) fail(file, t->source(), "missing string key 'id'");
    if (!ids.insert(c.id).second) fail(file, t->source(), fmt::format("duplicate case id '{}'", c.id));
    c.group = static_cast<int>((*t)["group"].value_or(std::int64_t{0}));
    c.metric = (*t)["metric"].value_or(std::string{});
    if (std::find(std::begin(kMetrics), std::end(kMetrics), c.metric) == std::end(kMetrics))
      fail(file, t->source(), fmt::format("case '{}': unknown metric '{}' (expected one of: {}){}", c.id, c.metric,
                                          fmt::join(kMetrics, ", "),
                                          did_you_mean(c.metric, kMetrics)));
    if (c.metric == "mean_abs_error_percent") {
      const toml::array* of = (*t)["of_cases"].as_array();
      if (!of || of->empty())
        fail(file, t->source(), fmt::format("case '{}': metric 'mean_abs_error_percent' needs a non-empty 'of_cases'", c.id));
      for (const toml::node& e : *of) c.of_cases.push_back(e.value_or(std::string{}));
      for (std::string_view key : {"arch", "net", "baseline", "layers", "overrides", "mapping", "batch"}) {
        if (t->contains(key))
          fail(file, t->source(), fmt::format("case '{}': '{}' is not used by metric 'mean_abs_error_percent'", c.id, key));
      }
    } else {
      if (t->contains("of_cases")) fail(file, t->source(), fmt::format("case '{}': 'of_cases' needs metric 'mean_abs_error_percent'", c.id));
      c.run = parse_run(file, *t, nullptr);
    }
    if (const toml::table* o = (*t)["overrides"].as_table()) {
      for (const auto& [key, value] : *o) {
        c.run.overrides.push_back({std::string(key.str()), value_text(value)});
      }
    }
    if (const toml::table* b = (*t)["baseline"].as_table()) {
      RunKey base = parse_run(file, *b, &c.run);
      // The baseline inherits the case's overrides unless it lists its own ({} = none).
      if (const toml::table* o = (*b)["overrides"].as_table()) {
        base.overrides.clear();
        for (const auto& [key, value] : *o) base.overrides.push_back({std::string(key.str()), value_text(value)});
      }
      c.baseline = base;
    }
    if (const toml::node* l = t->get("layers")) {
      if (auto s = l->value<std::string>()) {
        c.layers.push_back(*s);
      } else if (const toml::array* arr = l->as_array()) {
        for (const toml::node& e : *arr) c.layers.push_back(e.value_or(std::string{}));
      } else {
        fail(file, l->source(), "'layers' must be a string or an array of strings");
      }
      // The throughput and efficiency of an inference belong to the whole network: a layer filter on them
      // would be silently ignored (and the layers after the selected ones not simulated).
      if (c.metric == "inferences_per_second" || c.metric == "inferences_per_joule")
        fail(file, l->source(),
             fmt::format("case '{}': 'layers' needs a per-layer metric; '{}' is a whole-network metric (for the "
                         "speed of some layers use 'processing_latency_ms', for their efficiency 'gops_per_watt')",
                         c.id, c.metric));
    }
    // A number of the wrong type or range was read as absent (or as tolerance 0): say so instead.
    for (std::string_view key : {"published", "tolerance", "at_least", "at_most"}) {
      const toml::node* n = t->get(key);
      if (n && (!n->is_number() || !std::isfinite(*sweep::number_value(*n)) || (key == "tolerance" && *sweep::number_value(*n) < 0)))
        fail(file, n->source(), fmt::format("case '{}': '{}' expects a finite number{}", c.id, key,
                                            key == "tolerance" ? " >= 0 (the allowed relative error, e.g. 0.1)" : ""));
    }
    const auto number = [&](std::string_view key) { return t->get(key) ? sweep::number_value(*t->get(key)) : std::nullopt; };
    c.published = number("published");
    c.tolerance = number("tolerance").value_or(0.0);
    c.at_least = number("at_least");
    c.at_most = number("at_most");
    c.informational = (*t)["informational"].value_or(false);
    c.cheap = (*t)["cheap"].value_or(false);
    c.source = (*t)["source"].value_or(std::string{});
    c.note = (*t)["note"].value_or(std::string{});
    if (!c.published && !c.at_least && !c.at_most && !c.informational)
      fail(file, t->source(), fmt::format("case '{}' needs 'published', 'at_least', 'at_most' or 'informational'", c.id));
    out.push_back(std::move(c));
  }
  // An aggregate reads the errors of cases with a published value, defined anywhere in the file.
  for (const PublishedCase& c : out) {
    for (const std::string& id : c.of_cases) {
      const auto it = std::find_if(out.begin(), out.end(), [&](const PublishedCase& o) { return o.id == id; });
      if (it == out.end() || !it->published || !it->of_cases.empty())
        throw std::runtime_error(fmt::format("{}: error: case '{}': 'of_cases' entry '{}' is not a case with a published value",
                                             file, c.id, id));
    }
  }
  return out;
}

}  // namespace eyesim::tools
