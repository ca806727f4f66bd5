// `eyesim report`: a text summary of a result file, streamed (two passes over /configs, one over /runs,
// in batches; /layers and /traces are never read), so its memory does not grow with the sweep.
//
// Conventions (the same as tools/eyesim_results.py): energy = chip energy per inference
// (1 / inferences_per_joule, DRAM excluded, as the paper's inferences/J); delay = time per inference
// (1 / inferences_per_second, the latency at batch 1); EDP = energy x delay.
#include "tools/report_command.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "core/text_escape.h"
#include "tools/number_text.h"
#include "sweep/hdf5_file.h"
#include "sweep/result_reader.h"
#include "sweep/result_tables.h"

namespace eyesim::tools {
namespace {

constexpr std::size_t kMaxDistinct = 24;   ///< more values than this: the parameter is binned
constexpr int kBins = 8;                   ///< bins of a parameter with many numeric values
constexpr std::size_t kFailuresShown = 5;
constexpr std::size_t kMattersShown = 8;

/// One cell of a packed row, as a number (when numeric) and as text.
struct Cell {
  bool numeric = false;
  bool real = false;  ///< a floating-point column: `text` is its shortest exact form, shown to 6 digits
  double number = 0;
  std::string text;
};

Cell cell(const std::byte* row, const sweep::Column& c) {
  Cell out;
  out.numeric = c.type != sweep::ColumnType::kString;
  out.real = c.type == sweep::ColumnType::kF64;
  switch (c.type) {
    case sweep::ColumnType::kU64: out.number = static_cast<double>(sweep::read_field<std::uint64_t>(row, c)); break;
    case sweep::ColumnType::kU32: out.number = sweep::read_field<std::uint32_t>(row, c); break;
    case sweep::ColumnType::kI32: out.number = sweep::read_field<std::int32_t>(row, c); break;
    case sweep::ColumnType::kU8: out.number = sweep::read_field<std::uint8_t>(row, c); break;
    case sweep::ColumnType::kF64: out.number = sweep::read_field<double>(row, c); break;
    case sweep::ColumnType::kString: out.text = sweep::read_string(row, c); return out;
  }
  out.text = c.type == sweep::ColumnType::kF64 ? fmt::format("{}", out.number)
             : c.type == sweep::ColumnType::kU64 ? fmt::format("{}", sweep::read_field<std::uint64_t>(row, c))
                                                 : fmt::format("{}", static_cast<std::int64_t>(out.number));
  return out;
}

/// A value of a parameter, ordered numerically (numbers) or by text (strings), or a bin of values.
struct ValueKey {
  double number = 0;
  std::string text;
  friend bool operator<(const ValueKey& a, const ValueKey& b) {
    return a.number != b.number ? a.number < b.number : a.text < b.text;
  }
};

/// A /configs column and what the first pass learnt about it.
struct Param {
  std::size_t column = 0;
  std::string name;
  bool numeric = false;
  bool integral = false;  ///< whole numbers only (an integer column, or a real one sampled with integer ends): integer bins
  bool varies = false;                          ///< within one preset (or, for arch.name, at all)
  std::map<std::string, std::string> first_in;  ///< arch.name -> first value seen there
  std::set<ValueKey> values;                    ///< up to kMaxDistinct + 1
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();

  bool binned() const { return numeric && values.size() > kMaxDistinct; }

  ValueKey key(const Cell& c) const {
    if (!binned()) return {c.numeric ? c.number : 0.0, c.text};
    if (integral) {
      // The hi - lo + 1 integers in kBins runs: bin k holds lo + ceil(k w) .. lo + ceil((k + 1) w) - 1 (a
      // cluster_rows over [1, 40] was put in bins like "30.25..35.12"; helper-52).
      const double w = (hi - lo + 1) / kBins;
      const int bin = std::min(kBins - 1, static_cast<int>((c.number - lo) / w));
      const double a = lo + std::ceil(bin * w), b = bin == kBins - 1 ? hi : lo + std::ceil((bin + 1) * w) - 1;
      return {a, a == b ? fmt::format("{:.0f}", a) : fmt::format("{:.0f}..{:.0f}", a, b)};
    }
    const double width = (hi - lo) / kBins;
    const int bin = width > 0 ? std::min(kBins - 1, static_cast<int>((c.number - lo) / width)) : 0;
    const double a = lo + bin * width, b = bin == kBins - 1 ? hi : a + width;
    return {a, fmt::format("{:.4g}..{:.4g}", a, b)};
  }
};

/// A point in a best-of list.
struct Entry {
  double value = 0;
  std::uint64_t id = 0;
  double latency_s = 0, energy_j = 0, edp = 0;
  std::string params;
};

/// The `top` entries with the smallest value (ties: the smaller point id).
class TopList {
 public:
  explicit TopList(std::size_t n) : n_(n) {}
  bool wants(double value, std::uint64_t id) const {
    return entries_.size() < n_ || std::make_pair(value, id) < std::make_pair(entries_.back().value, entries_.back().id);
  }
  void add(Entry e) {
    auto at = std::upper_bound(entries_.begin(), entries_.end(), e, [](const Entry& a, const Entry& b) {
      return std::make_pair(a.value, a.id) < std::make_pair(b.value, b.id);
    });
    entries_.insert(at, std::move(e));
    if (entries_.size() > n_) entries_.pop_back();
  }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::size_t n_;
  std::vector<Entry> entries_;
};

/// Running geometric mean of EDP: sum of logs and count.
struct LogMean {
  double sum = 0;
  std::uint64_t n = 0;
  double mean() const { return std::exp(sum / static_cast<double>(n)); }
};

struct Failure {
  std::uint64_t id;
  std::string network, message;
};

struct NetworkStats {
  explicit NetworkStats(std::size_t top) : latency(top), energy(top), edp(top) {}
  std::uint64_t points = 0, ok = 0;
  std::string declared;  ///< the name the network declares (/runs.network_name), when it differs from the key
  TopList latency, energy, edp;
  /// (param index, arch.name or "" for arch.name itself, value) -> log-mean EDP
  std::map<std::tuple<std::size_t, std::string, ValueKey>, LogMean> by_value;
  std::map<std::string, std::uint64_t> ok_by_arch;
};

std::string attribute_or(sweep::ResultReader& r, const char* name, const char* fallback) {
  std::string v = r.attribute(name);
  return v.empty() ? fallback : v;
}

std::string plural(std::uint64_t n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); }

std::string si(double v, const char* unit) { return fmt::format("{:.4g} {}", v, unit); }

/// First pass over /configs: which parameters vary, and their values (or their range, when many).
std::vector<Param> scan_parameters(sweep::Hdf5File& file, const sweep::ResultTables& tables) {
  const auto& cols = tables.configs().columns();
  const std::size_t arch_col = tables.configs().index("arch.name");
  std::vector<Param> params;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].name == "point_id" || cols[i].name == "config_hash" || cols[i].name == "network") continue;
    Param p;
    p.column = i;
    p.name = cols[i].name;
    p.numeric = cols[i].type != sweep::ColumnType::kString;
    p.integral = p.numeric;  // until a value with a fraction is seen
    params.push_back(std::move(p));
  }
  sweep::TableCursor configs(file, "configs", tables.configs(), 4096);
  while (const std::byte* row = configs.next()) {
    const std::string arch = cell(row, cols[arch_col]).text;
    for (Param& p : params) {
      const Cell c = cell(row, cols[p.column]);
      const std::string group = p.column == arch_col ? std::string() : arch;
      auto [it, fresh] = p.first_in.try_emplace(group, c.text);
      if (!fresh && it->second != c.text) p.varies = true;
      if (p.values.size() <= kMaxDistinct) p.values.insert(ValueKey{c.numeric ? c.number : 0.0, c.text});
      if (c.numeric) {
        p.lo = std::min(p.lo, c.number);
        p.hi = std::max(p.hi, c.number);
        p.integral = p.integral && c.number == std::floor(c.number);  // as eyesim-plot decides (helper-59)
      }
    }
  }
  std::erase_if(params, [](const Param& p) { return !p.varies; });
  return params;
}

/// A partial merge's `missing_points` ("3-7, 12, ...": every range) as the merge prints it: the number of
/// points, then the first 12 ranges (a file missing 1,628 points printed 9,229 characters on one line;
/// helper-56).
std::string shortened_ranges(std::string_view ranges) {
  constexpr std::size_t kShown = 12;
  std::uint64_t points = 0;
  std::size_t count = 0;
  std::string shown;
  for (std::size_t at = 0; at < ranges.size();) {
    const std::size_t end = std::min(ranges.find(", ", at), ranges.size());
    const std::string_view range = ranges.substr(at, end - at);
    const std::size_t dash = range.find('-');
    const auto first = parse_whole<std::uint64_t>(std::string(range.substr(0, dash)));
    const auto last = dash == std::string_view::npos ? first : parse_whole<std::uint64_t>(std::string(range.substr(dash + 1)));
    if (!first || !last || *last < *first) return std::string(ranges);  // not the merge's format: as it is
    points += *last - *first + 1;
    if (count++ < kShown) shown += fmt::format("{}{}", shown.empty() ? "" : ", ", range);
    at = end + 2;
  }
  return fmt::format("{}: {}{}", plural(points, "point"), shown,
                     count > kShown ? fmt::format(", ... ({} more ranges in the file's missing_points attribute)", count - kShown)
                                    : std::string());
}

std::string describe_values(const Param& p) {
  if (p.binned()) return fmt::format("{} to {}, in {} bins", fmt::format("{:g}", p.lo), fmt::format("{:g}", p.hi), kBins);
  if (p.values.size() > kMaxDistinct) return fmt::format("more than {} values", kMaxDistinct);
  std::string s;
  for (const ValueKey& v : p.values) s += (s.empty() ? "" : ", ") + v.text;
  return s;
}

void print_top(std::FILE* out, const char* title, const TopList& list) {
  fmt::print(out, "  {}\n", title);
  for (const Entry& e : list.entries())
    fmt::print(out, "    #{:<6} {:>10} {:>12} {:>14}   {}\n", e.id, si(e.latency_s * 1e3, "ms"), si(e.energy_j * 1e6, "uJ"),
               si(e.edp * 1e9, "uJ*ms"), e.params);
}

/// Per parameter: the spread (worst / best) of the geometric-mean EDP over its values, within the
/// preset with the most successful points that has two or more of its values (arch.name: across presets).
void print_matters(std::FILE* out, const NetworkStats& n, const std::vector<Param>& params) {
  struct Row {
    double spread;
    std::string name, best, worst, within;
    double best_edp, worst_edp;
  };
  std::vector<Row> rows;
  for (std::size_t pi = 0; pi < params.size(); ++pi) {
    const bool is_arch = params[pi].name == "arch.name";
    std::map<std::string, std::vector<std::pair<ValueKey, double>>> groups;  // arch -> (value, mean EDP)
    for (const auto& [key, m] : n.by_value)
      if (std::get<0>(key) == pi) groups[std::get<1>(key)].emplace_back(std::get<2>(key), m.mean());
    const std::vector<std::pair<ValueKey, double>>* chosen = nullptr;
    std::string within;
    std::uint64_t most = 0;
    for (const auto& [arch, values] : groups) {
      const std::uint64_t ok = is_arch ? n.ok : n.ok_by_arch.at(arch);
      if (values.size() >= 2 && (!chosen || ok > most)) {
        chosen = &values;
        within = arch;
        most = ok;
      }
    }
    if (!chosen) continue;
    const auto [lo, hi] = std::minmax_element(chosen->begin(), chosen->end(),
                                              [](const auto& a, const auto& b) { return a.second < b.second; });
    rows.push_back({hi->second / lo->second, params[pi].name, lo->first.text, hi->first.text,
                    n.ok_by_arch.size() > 1 && !is_arch ? within : "", lo->second, hi->second});
  }
  fmt::print(out, "  parameters that matter most (spread = worst / best geometric-mean EDP over a parameter's\n"
                  "  values, each value averaging the other parameters; larger means the parameter matters more)\n");
  if (rows.empty()) {
    fmt::print(out, "    (no parameter takes two values among this network's successful points)\n");
    return;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.spread > b.spread; });
  std::size_t width = 0;
  for (const Row& r : rows) width = std::max(width, r.name.size());
  for (std::size_t i = 0; i < rows.size() && i < kMattersShown; ++i) {
    const Row& r = rows[i];
    fmt::print(out, "    {:<{}}  {:>8}  best {} ({}), worst {} ({}){}\n", r.name, width, fmt::format("{:.3g}x", r.spread), r.best,
               si(r.best_edp * 1e9, "uJ*ms"), r.worst, si(r.worst_edp * 1e9, "uJ*ms"),
               r.within.empty() ? "" : fmt::format("  [{} points]", r.within));
  }
  if (rows.size() > kMattersShown) fmt::print(out, "    ... and {} more\n", rows.size() - kMattersShown);
}

int report(const ReportArgs& args, std::FILE* out) {
  const sweep::ResultTables tables;
  sweep::ResultReader reader(args.file, tables);  // validates: HDF5, schema, table layouts
  sweep::Hdf5File file(args.file, sweep::Hdf5File::Mode::kReadOnly);
  const auto& ccols = tables.configs().columns();
  const auto& rcols = tables.runs().columns();
  const sweep::TableSchema& runs_schema = tables.runs();
  const std::size_t c_arch = tables.configs().index("arch.name");
  const std::size_t r_id = runs_schema.index("point_id"), r_net = runs_schema.index("network"),
                    r_net_name = runs_schema.index("network_name"),
                    r_status = runs_schema.index("status"), r_message = runs_schema.index("message"),
                    r_latency = runs_schema.index("latency_seconds"), r_ips = runs_schema.index("inferences_per_second"),
                    r_ipj = runs_schema.index("inferences_per_joule");

  const std::vector<Param> params = scan_parameters(file, tables);

  // Second pass: /runs joined with /configs by point id (both in ascending point order).
  std::map<std::string, NetworkStats> nets;
  std::vector<Failure> failures;
  std::uint64_t n_runs = 0, n_failed = 0, n_without_config = 0;
  sweep::TableCursor configs(file, "configs", tables.configs(), 4096);
  sweep::TableCursor runs(file, "runs", runs_schema, 4096);
  const std::byte* config = configs.next();
  std::vector<Cell> values(params.size());
  while (const std::byte* run = runs.next()) {
    ++n_runs;
    const std::uint64_t id = sweep::read_field<std::uint64_t>(run, rcols[r_id]);
    while (config && sweep::read_field<std::uint64_t>(config, ccols[0]) < id) config = configs.next();
    const bool have_config = config && sweep::read_field<std::uint64_t>(config, ccols[0]) == id;
    // Grouped by the network as the spec names it (unique per workload); two network files may
    // declare the same name, which is only shown.
    const std::string net = cell(run, rcols[r_net]).text;
    NetworkStats& n = nets.try_emplace(net, static_cast<std::size_t>(args.top)).first->second;
    ++n.points;
    if (std::string declared = cell(run, rcols[r_net_name]).text; n.declared.empty() && !declared.empty() && declared != net)
      n.declared = std::move(declared);
    if (sweep::read_field<std::uint8_t>(run, rcols[r_status]) != 0) {
      if (failures.size() < kFailuresShown) failures.push_back({id, net, cell(run, rcols[r_message]).text});
      ++n_failed;
      continue;
    }
    const double latency = sweep::read_field<double>(run, rcols[r_latency]), ips = sweep::read_field<double>(run, rcols[r_ips]),
                 ipj = sweep::read_field<double>(run, rcols[r_ipj]);
    if (!(ips > 0)) continue;  // an empty network: nothing to rank
    ++n.ok;
    // inferences/J is 0 for a chip without energy (every constant 0): its energy is 0, ranked as such (it
    // was skipped, and the report said "1 ok" above "0 ok (no successful point)"; helper-58).
    const double energy = ipj > 0 ? 1.0 / ipj : 0.0, edp = energy / ips;
    if (!have_config) {
      ++n_without_config;
      continue;
    }
    const std::string arch = cell(config, ccols[c_arch]).text;
    ++n.ok_by_arch[arch];
    for (std::size_t i = 0; i < params.size(); ++i) {
      values[i] = cell(config, ccols[params[i].column]);
      const std::string group = params[i].column == c_arch ? std::string() : arch;
      if (!(edp > 0)) continue;  // (a geometric mean has no place for 0)
      LogMean& m = n.by_value[{i, group, params[i].key(values[i])}];
      m.sum += std::log(edp);
      ++m.n;
    }
    const auto make_entry = [&](double value) {
      Entry e{value, id, latency, energy, edp, {}};
      for (std::size_t i = 0; i < params.size(); ++i)
        // A sampled value to 6 significant digits (the shortest exact form printed 17; helper-56).
        e.params += fmt::format("{}{}={}", i ? " " : "", params[i].name,
                                values[i].real ? fmt::format("{:.6g}", values[i].number) : values[i].text);
      return e;
    };
    if (n.latency.wants(latency, id)) n.latency.add(make_entry(latency));
    if (n.energy.wants(energy, id)) n.energy.add(make_entry(energy));
    if (n.edp.wants(edp, id)) n.edp.add(make_entry(edp));
  }

  // The summary.
  const std::string points_total = attribute_or(reader, "points_total", "?");
  const std::string complete = reader.attribute("complete");
  fmt::print(out, "file        {}\n", args.file);
  fmt::print(out, "sweep       {} (spec {}, hash {}, seed {})\n", terminal_text(attribute_or(reader, "spec_name", "?")),
             terminal_text(attribute_or(reader, "spec_source", "?")), attribute_or(reader, "spec_hash", "?"), attribute_or(reader, "seed", "?"));
  fmt::print(out, "written by  {}, {} to {}\n", attribute_or(reader, "eyesim_version", "?"),
             attribute_or(reader, "start_utc", "?"), attribute_or(reader, "end_utc", "?"));
  // How the mappings were chosen (docs/model.md section 2); files written before the option have no attribute.
  fmt::print(out, "mapper      {}\n", attribute_or(reader, "mapper", "estimate (the file predates the attribute)"));
  const std::string shard = attribute_or(reader, "shard", "0/1"), missing = reader.attribute("missing_points");
  fmt::print(out, "points      {} in the file, of {} in the sweep{}{}: {} ok, {} failed\n", n_runs, points_total,
             shard == "0/1" ? "" : fmt::format(" (this file is shard {})", shard),
             complete == "true"   ? ""
             : !missing.empty()   ? "; incomplete (a partial merge)"
                                  : "; incomplete (interrupted: eyesim sweep --resume finishes it)",
             n_runs - n_failed, n_failed);
  if (!missing.empty()) fmt::print(out, "missing     {}\n", shortened_ranges(missing));
  std::string net_list;
  for (const auto& [name, n] : nets)
    net_list += fmt::format("{}{} ({}{})", net_list.empty() ? "" : ", ", terminal_text(name),
                            n.declared.empty() ? "" : fmt::format("named '{}', ", terminal_text(n.declared)), plural(n.points, "point"));
  fmt::print(out, "networks    {}\n", net_list.empty() ? "none" : net_list);
  // The values listed are those present among the points: the spec's axes, but also its explicit
  // [[point]]s and their presets (a v1 preset brings its own cluster_rows), so they are not called
  // swept. The axes themselves are in the spec (/spec_toml).
  if (params.empty()) fmt::print(out, "varied      nothing (every point has the same parameters)\n");
  for (std::size_t i = 0; i < params.size(); ++i)
    fmt::print(out, "{}{} ({})\n", i ? "            " : "varied      ", params[i].name, describe_values(params[i]));
  if (!params.empty())
    fmt::print(out, "            (every value present among the points{}: the spec's axes, its explicit points and "
                    "their presets)\n",
               std::any_of(params.begin(), params.end(), [](const Param& p) { return p.binned(); })
                   ? fmt::format(", or the range of a parameter with more than {}", kMaxDistinct)
                   : std::string());
  if (n_without_config)
    fmt::print(out, "warning     {} points have a /runs row but no /configs row; they are ranked without parameters\n",
               n_without_config);
  if (n_failed) {
    fmt::print(out, "\nfailed points ({}{}):\n", n_failed, n_failed > failures.size() ? fmt::format(", the first {}", failures.size()) : "");
    for (const Failure& f : failures) fmt::print(out, "  #{} {}: {}\n", f.id, terminal_text(f.network), terminal_text(f.message));
  }
  fmt::print(out, "\nenergy = chip energy per inference (1 / inferences_per_joule, as the paper's inferences/J);\n"
                  "latency = run time of one batch; EDP = energy x time per inference.\n");
  for (const auto& [name, n] : nets) {
    fmt::print(out, "\n{}: {}, {} ok{}\n", terminal_text(name), plural(n.points, "point"), n.ok,
               n.declared.empty() ? "" : fmt::format(" (the network named '{}')", terminal_text(n.declared)));
    if (n.ok == 0) {
      fmt::print(out, "  (no successful point)\n");
      continue;
    }
    fmt::print(out, "    {:<7} {:>10} {:>12} {:>14}   {}\n", "point", "latency", "energy", "EDP", "parameters");
    print_top(out, "fastest (latency)", n.latency);
    print_top(out, "most efficient (energy)", n.energy);
    print_top(out, "best energy-delay product (EDP)", n.edp);
    print_matters(out, n, params);
  }
  return 0;
}

}  // namespace

int report_command(const ReportArgs& args, std::FILE* out, std::FILE* err) {
  if (args.top < 1) {
    fmt::print(err, "eyesim report: error: --top must be at least 1 (got {})\n", args.top);
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(args.file, ec)) {
    fmt::print(err, "eyesim report: error: '{}': {}\n", args.file,
               std::filesystem::exists(args.file, ec) ? "not a regular file" : "no such file");
    return 1;
  }
  if (!std::ifstream(args.file, std::ios::binary)) {
    fmt::print(err, "eyesim report: error: '{}' cannot be read (permissions?)\n", args.file);
    return 1;
  }
  try {
    return report(args, out);
  } catch (const sweep::ResultFileError& e) {
    fmt::print(err, "eyesim report: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // I/O: the file unreadable midway
    fmt::print(err, "eyesim report: error: '{}': {}\n", args.file, e.what());
    return 1;
  }
}

}  // namespace eyesim::tools
