// merge_results: consistency checks over the parts, then a k-way merge in point order through the
// same ResultWriter a sweep uses.
#include "sweep/merge.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "sweep/output_lock.h"
#include "sweep/output_path.h"
#include "sweep/result_reader.h"
#include "sweep/result_writer.h"

namespace eyesim::sweep {
namespace {

constexpr std::uint64_t kNoPart = ~std::uint64_t{0};

/// Attributes that every part of one sweep shares; the first differing one names the problem.
struct SharedAttribute {
  const char* name;
  const char* meaning;
};
constexpr SharedAttribute kShared[] = {
    {"eyesim_version", "was written by another eyesim version"},
    {"mapper", "chose its mappings with another mapper search"},
    {"spec_hash", "comes from another sweep spec or seed (or other versions of its network files)"},
    {"points_total", "has another number of points"},
};

std::optional<std::uint64_t> parse_u64(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19) return std::nullopt;
  return std::stoull(text);
}

/// "k/N" of a part, or nullopt.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto k = parse_u64(text.substr(0, slash)), n = parse_u64(text.substr(slash + 1));
  if (!k || !n) return std::nullopt;
  return std::pair{*k, *n};
}

struct Part {
  std::unique_ptr<ResultReader> reader;
  std::string shard;
  bool complete = false;
  std::vector<std::uint64_t> ids;  ///< of /runs, in file order
};

/// Opens every part and checks they come from one sweep. Returns the points of the spec.
std::uint64_t check_same_sweep(std::vector<Part>& parts) {
  Part& first = parts.front();
  for (Part& p : parts) {
    for (const SharedAttribute& a : kShared) {
      const std::string mine = p.reader->attribute(a.name), theirs = first.reader->attribute(a.name);
      if (mine != theirs) {
        const std::string spec = a.name == std::string("spec_hash")
                                     ? fmt::format(" (spec '{}' vs '{}')", p.reader->attribute("spec_name"),
                                                   first.reader->attribute("spec_name"))
                                     : "";
        throw MergeError(fmt::format("'{}' is not a part of the same sweep as '{}': it {}: {} = '{}' vs '{}'{}",
                                     p.reader->path(), first.reader->path(), a.meaning, a.name, mine, theirs, spec));
      }
    }
  }
  const auto total = parse_u64(first.reader->attribute("points_total"));
  if (!total) throw ResultFileError(fmt::format("'{}': attribute points_total is not a number", first.reader->path()));
  return *total;
}

/// Which part holds each point; throws MergeError listing duplicated points (and missing ones
/// unless allowed). Returns the missing points.
std::vector<std::uint64_t> assign_points(const std::vector<Part>& parts, std::uint64_t total, bool allow_partial,
                                         std::vector<std::uint64_t>& owner) {
  owner.assign(total, kNoPart);
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::uint64_t>> twice;  // (first part, second part) -> ids
  for (std::size_t i = 0; i < parts.size(); ++i) {
    for (std::uint64_t id : parts[i].ids) {
      if (id >= total)
        throw ResultFileError(
            fmt::format("'{}': point {} is out of range; its spec has {} points", parts[i].reader->path(), id, total));
      if (owner[id] == kNoPart) owner[id] = i;
      else twice[{owner[id], i}].push_back(id);
    }
  }
  std::vector<std::uint64_t> missing;
  for (std::uint64_t id = 0; id < total; ++id)
    if (owner[id] == kNoPart) missing.push_back(id);

  std::string problems;
  for (auto& [pair, ids] : twice) {
    std::sort(ids.begin(), ids.end());
    problems += fmt::format("\n  {} point(s) are in both '{}' and '{}': {}", ids.size(), parts[pair.first].reader->path(),
                            parts[pair.second].reader->path(), format_id_ranges(ids));
  }
  // The parts' shards, parsed once: what the hints below read (helper-56: the lists of points alone did not
  // say that parts of 3 and of 7 shards were mixed, or that one part was given under two names).
  std::map<std::uint64_t, std::vector<std::string>> by_count;  // N -> the parts of that split
  std::map<std::string, std::vector<std::string>> by_shard;    // "k/N" -> its parts
  std::set<std::uint64_t> have;                                // the k of every part
  for (const Part& p : parts) {
    const auto s = parse_shard(p.shard);
    if (!s) continue;
    by_count[s->second].push_back(fmt::format("'{}'", p.reader->path()));
    by_shard[p.shard].push_back(fmt::format("'{}'", p.reader->path()));
    have.insert(s->first);
  }
  if (!missing.empty() && !allow_partial) {
    problems += fmt::format("\n  {} of {} points are in no part: {}", missing.size(), total, format_id_ranges(missing));
    // Name the shards nobody brought, when the parts agree on N.
    if (by_count.size() == 1) {
      const std::uint64_t count = by_count.begin()->first;
      std::vector<std::string> absent;
      for (std::uint64_t k = 0; k < count; ++k)
        if (!have.count(k)) absent.push_back(fmt::format("{}/{}", k, count));
      if (!absent.empty())
        problems += fmt::format("\n  no part was given for shard{} {}", absent.size() > 1 ? "s" : "", fmt::join(absent, ", "));
    }
    for (const Part& p : parts)
      if (!p.complete)
        problems += fmt::format("\n  '{}' is incomplete (an interrupted sweep: finish it with eyesim sweep --resume)",
                                p.reader->path());
  }
  if (!problems.empty()) {
    if (by_count.size() > 1) {
      std::vector<std::string> splits;
      for (const auto& [n, paths] : by_count) splits.push_back(fmt::format("{} of {} shards", fmt::join(paths, ", "), n));
      problems += fmt::format("\n  the parts come from different splits of the sweep ({}): merge the parts of one split",
                              fmt::join(splits, "; "));
    }
    for (const auto& [shard, paths] : by_shard)
      if (paths.size() > 1)
        problems += fmt::format("\n  {} are {} shard {}: give each shard's part once", fmt::join(paths, ", "),
                                paths.size() == 2 ? "both" : "all", shard);
    if (!missing.empty() && !allow_partial)
      problems += "\n  (--allow-partial merges what is there and records the missing points)";
    throw MergeError("the parts do not make up one sweep:" + problems);
  }
  return missing;
}

}  // namespace

std::string format_id_ranges(const std::vector<std::uint64_t>& ids, std::size_t max_ranges) {
  std::string out;
  std::size_t ranges = 0, i = 0;
  while (i < ids.size()) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (ranges == max_ranges) {
      out += fmt::format(", ... ({} more point{})", ids.size() - i, ids.size() - i == 1 ? "" : "s");
      break;
    }
    if (ranges++) out += ", ";
    out += i == j ? fmt::format("{}", ids[i]) : fmt::format("{}-{}", ids[i], ids[j]);
    i = j + 1;
  }
  return out;
}

MergeOutcome merge_results(const std::vector<std::string>& paths, const std::string& output, const MergeOptions& o) {
  if (paths.empty()) throw MergeError("no part files given");
  std::vector<InputFile> inputs;
  for (const std::string& path : paths) inputs.push_back({path, "a part"});
  check_output_path(output, inputs);
  const OutputLock lock(output);
  const ResultTables tables;
  std::vector<Part> parts;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    for (std::size_t j = 0; j < i; ++j)
      if (same_file(paths[j], path))
        throw MergeError(fmt::format("'{}' is given twice{}", path, paths[j] == path ? "" : " (as '" + paths[j] + "')"));
    Part p;
    p.reader = std::make_unique<ResultReader>(path, tables);
    p.shard = p.reader->attribute("shard");
    p.complete = p.reader->attribute("complete") == "true";
    p.ids = p.reader->run_ids();
    parts.push_back(std::move(p));
  }
  MergeOutcome out;
  out.parts = parts.size();
  out.points_total = check_same_sweep(parts);
  std::vector<std::uint64_t> owner;
  out.missing = assign_points(parts, out.points_total, o.allow_partial, owner);

  // The header: the parts' own, with the merge's command line and the span of their run times.
  ResultReader& first = *parts.front().reader;
  ResultFileHeader header;
  std::string start = first.attribute("start_utc"), end = first.attribute("end_utc");
  for (Part& p : parts) {
    start = std::min(start, p.reader->attribute("start_utc"));
    end = std::max(end, p.reader->attribute("end_utc"));
  }
  std::vector<std::string> from;
  // A part that is itself a partial merge says so (as "shard 0/1" it read as a whole sweep; helper-56).
  for (const Part& p : parts)
    from.push_back(fmt::format("{} ({})", p.reader->path(),
                               p.reader->attribute("missing_points").empty()
                                   ? fmt::format("shard {}", p.shard)
                                   : fmt::format("a partial merge, {} point{}", p.ids.size(), p.ids.size() == 1 ? "" : "s")));
  header.attributes = {{"eyesim_version", first.attribute("eyesim_version")},
                       {"command_line", o.command_line},
                       {"spec_name", first.attribute("spec_name")},
                       {"spec_source", first.attribute("spec_source")},
                       {"spec_hash", first.attribute("spec_hash")},
                       {"mapper", first.attribute("mapper")},
                       {"seed", first.attribute("seed")},
                       {"shard", "0/1"},
                       {"points_total", first.attribute("points_total")},
                       {"start_utc", start},
                       {"merged_from", fmt::format("{}", fmt::join(from, ", "))},
                       {"merged_by", o.version}};
  if (!out.missing.empty()) header.attributes.emplace_back("missing_points", format_id_ranges(out.missing, ~std::size_t{0}));
  header.spec_toml = first.spec_toml();
  header.base_arch_toml = first.base_arch_toml();

  std::vector<std::uint64_t> ids;
  for (std::uint64_t id = 0; id < out.points_total; ++id)
    if (owner[id] != kNoPart) ids.push_back(id);
  out.points = ids.size();

  const std::string part_path = output + ".part";
  try {
    ResultWriter writer(part_path, header, tables, ids);
    // /configs: a part of an interrupted sweep lists points it has no results for; take each row
    // from the part that holds the point, in point order.
    std::vector<std::optional<std::uint64_t>> next_config(parts.size());
    std::vector<const std::byte*> config_row(parts.size(), nullptr);
    const auto advance = [&](std::size_t i) {
      std::uint64_t id = 0;
      do {
        config_row[i] = parts[i].reader->next_config(id);
      } while (config_row[i] && owner[id] != i);
      next_config[i] = config_row[i] ? std::optional(id) : std::nullopt;
    };
    for (std::size_t i = 0; i < parts.size(); ++i) advance(i);
    std::vector<std::byte> batch;
    std::size_t in_batch = 0;
    for (std::uint64_t id : ids) {
      const std::size_t i = owner[id];
      if (next_config[i] != id)
        throw ResultFileError(fmt::format("'{}' has results for point {} but no /configs row for it in order",
                                          parts[i].reader->path(), id));
      batch.insert(batch.end(), config_row[i], config_row[i] + tables.configs().row_bytes());
      if (++in_batch == 1024) {
        writer.add_configs(batch.data(), in_batch);
        batch.clear();
        in_batch = 0;
      }
      advance(i);
    }
    writer.add_configs(batch.data(), in_batch);

    // Points: each part is in point order, so taking the smallest next id across parts is a merge.
    std::vector<std::optional<PointRecord>> head(parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) head[i] = parts[i].reader->next_record();
    for (std::uint64_t id : ids) {
      const std::size_t i = owner[id];
      if (!head[i] || head[i]->point_id != id)
        throw ResultFileError(fmt::format("'{}': its points are not in ascending order at point {}", parts[i].reader->path(), id));
      out.failed += head[i]->ok ? 0 : 1;
      writer.add(std::move(*head[i]));
      head[i] = parts[i].reader->next_record();
    }
    writer.finish(out.missing.empty(), end);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(part_path, ignored);
    throw;
  }
  std::filesystem::rename(part_path, output);
  return out;
}

}  // namespace eyesim::sweep
