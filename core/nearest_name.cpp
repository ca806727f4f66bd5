// nearest_name: edit distance over the known names, for the suggestion at the end of an error.
#include "core/nearest_name.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace eyesim {
namespace {

bool same_letter(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

std::size_t typo_budget(std::string_view given) { return std::max<std::size_t>(1, given.size() / 3); }

/// The closest candidate within the budget, if it is the only one that close (a tie is no suggestion).
/// `key` maps a candidate to the text compared (the whole name, or its last component).
template <class Key>
std::optional<std::string_view> unique_closest(std::string_view given, std::span<const std::string_view> candidates,
                                               Key key) {
  std::size_t best = std::numeric_limits<std::size_t>::max();
  std::optional<std::string_view> found;
  bool tied = false;
  for (const std::string_view c : candidates) {
    if (c == given) continue;
    const std::size_t d = edit_distance(given, key(c));
    if (d < best) {
      best = d;
      found = c;
      tied = false;
    } else if (d == best && found && *found != c) {
      tied = true;
    }
  }
  if (!found || tied || best > typo_budget(given)) return std::nullopt;
  return found;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic programme: the previous two (for a swap) and the current one.
  std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = same_letter(a[i - 1], b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) && same_letter(a[i - 2], b[j - 1]))
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> nearest_name(std::string_view given, std::span<const std::string_view> candidates) {
  if (given.empty()) return std::nullopt;
  // The name in another case: "Mobilenet" is "mobilenet", not the one longer name that begins with it.
  for (const std::string_view c : candidates)
    if (c != given && c.size() == given.size() && edit_distance(c, given) == 0) return std::string(c);
  // A name cut short: its distance to the whole name can exceed the budget, and a shorter name can be
  // closer ("pe.simd" is two edits from "pe.kind", six from "pe.simd_width").
  std::optional<std::string_view> longer;
  std::size_t longer_count = 0;
  for (const std::string_view c : candidates) {
    if (c.size() > given.size() && edit_distance(c.substr(0, given.size()), given) == 0 && c != longer) {
      longer = c;
      ++longer_count;
    }
  }
  if (longer_count == 1) return std::string(*longer);
  if (const auto whole = unique_closest(given, candidates, [](std::string_view c) { return c; }))
    return std::string(*whole);
  // A dotted name given without its prefix: compare with the part after the candidates' last dot. Only when
  // `given` has fewer dots than such a candidate, so "noc.iact_port_bit" is not matched against "iact_port_bits".
  const auto dots = [](std::string_view s) { return std::count(s.begin(), s.end(), '.'); };
  std::vector<std::string_view> deeper;
  for (const std::string_view c : candidates)
    if (dots(c) > dots(given)) deeper.push_back(c);
  const auto last_part = [](std::string_view c) { return c.substr(c.rfind('.') + 1); };
  if (const auto tail = unique_closest(given, deeper, last_part)) return std::string(*tail);
  return std::nullopt;
}

std::string did_you_mean(std::string_view given, std::span<const std::string_view> candidates) {
  const auto name = nearest_name(given, candidates);
  return name ? "; did you mean '" + *name + "'?" : std::string();
}

std::string did_you_mean(std::string_view given, const std::vector<std::string>& candidates) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  return did_you_mean(given, views);
}

}  // namespace eyesim
