// Mapper: candidate enumeration, SPad fit with real compressed sizes, a cost estimate, NoC modes.
#include "hw/mapper.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "core/check.h"
#include "hw/cluster_occupancy.h"
#include "hw/iact_tree_loads.h"
#include "hw/pe_cost.h"
#include "hw/simulate.h"
#include "workloads/weight_tile_counts.h"

namespace eyesim::hw {
namespace {

std::uint32_t ceil_div(std::uint64_t a, std::uint64_t b) { return static_cast<std::uint32_t>((a + b - 1) / b); }

}  // namespace

namespace {

constexpr std::uint32_t kFactorLimit = std::uint32_t{1} << 31;

/// Every value below 2^31 that factor_candidates returns for some limit other than as the limit itself,
/// ascending: 1, 2, 3, 4, then x 3/2 (6, 9, 13, ...), and the powers of two. The list for `limit` is
/// its prefix up to `limit`, and `limit`.
struct FactorTable {
  std::array<std::uint32_t, FactorList::kCapacity> values{};
  std::size_t size = 0;
};
constexpr FactorTable make_factor_table() {
  FactorTable t;
  for (std::uint64_t v = 1; v < kFactorLimit; v = v < 4 ? v + 1 : v * 3 / 2) t.values[t.size++] = static_cast<std::uint32_t>(v);
  for (std::uint64_t p = 1; p < kFactorLimit; p *= 2) t.values[t.size++] = static_cast<std::uint32_t>(p);
  std::sort(t.values.begin(), t.values.begin() + static_cast<std::ptrdiff_t>(t.size));
  t.size = static_cast<std::size_t>(std::unique(t.values.begin(), t.values.begin() + static_cast<std::ptrdiff_t>(t.size)) -
                                    t.values.begin());
  return t;
}
constexpr FactorTable kFactorTable = make_factor_table();
static_assert(kFactorTable.size + 1 <= FactorList::kCapacity, "a factor list holds the table and the limit");

/// For the small limits of the mapper's inner loops (spatial factors, bounded by the PE count): how many
/// table values are <= limit, looked up instead of searched (factor_candidates runs per candidate).
constexpr std::uint32_t kSmallLimits = 1024;
struct PrefixTable {
  std::array<std::uint8_t, kSmallLimits> length{};
};
constexpr PrefixTable make_prefix_table() {
  PrefixTable p;
  std::size_t n = 0;
  for (std::uint32_t limit = 0; limit < kSmallLimits; ++limit) {
    while (n < kFactorTable.size && kFactorTable.values[n] <= limit) ++n;
    p.length[limit] = static_cast<std::uint8_t>(n);
  }
  return p;
}
constexpr PrefixTable kPrefixTable = make_prefix_table();

}  // namespace

double distinct_row_fraction(const workloads::LayerShape& l, std::uint32_t f_tiles, std::uint32_t lanes,
                             std::uint32_t k_red, std::uint32_t partials) {
  const std::uint64_t K = std::max(1u, lanes), F = std::max(1u, f_tiles), slots = std::max(1u, std::min(k_red, partials));
  const std::uint64_t E = std::max(1u, l.e()), U = std::max(1u, l.u), R = std::max(1u, l.r);
  // Rows e*U + r of ne consecutive output rows and nr consecutive filter rows.
  const auto rows = [U](std::uint64_t ne, std::uint64_t nr) -> std::uint64_t {
    if (ne == 0 || nr == 0) return 0;
    return U <= nr ? (ne - 1) * U + nr : ne * nr;
  };
  // Output rows 0 .. q-1 from the first image on, each image's run on its own (n is part of the row).
  const auto over_images = [&](std::uint64_t q, std::uint64_t nr) { return (q / E) * rows(E, nr) + rows(q % E, nr); };
  // Per f-tile: the filter rows of each c-tile among the slots (whole c-tiles, then a partial one).
  const auto per_tile = [&](std::uint64_t q) { return (slots / R) * over_images(q, R) + over_images(q, slots % R); };
  const std::uint64_t q = (K + F - 1) / F;       // output rows the lanes touch
  const std::uint64_t last = K - (q - 1) * F;    // f-tiles of the last of them (the others hold all F)
  const std::uint64_t distinct = last * per_tile(q) + (F - last) * per_tile(q - 1);
  return double(distinct) / double(K * slots);
}

FactorList factor_candidates(std::uint32_t limit) {
  EYESIM_CHECK(limit < kFactorLimit, "factor limit {} >= 2^31", limit);
  const std::uint32_t* const table = kFactorTable.values.data();
  const std::uint32_t* const last = limit < kSmallLimits ? table + kPrefixTable.length[limit]
                                                         : std::upper_bound(table, table + kFactorTable.size, limit);
  FactorList out;
  out.assign(table, last);
  if (out.empty() || *(last - 1) != limit) out.push_back(limit);
  return out;
}

namespace {

/// Why a weight tile of m0 x c0 x S that weights_fit refused does not fit, naming the architecture keys
/// that bound it: a sparse PE holds one address per weight column (c, s) and the non-zeros in its data
/// SPad, a dense PE every weight of the tile.
std::string weight_tile_misfit(const ArchSpec& arch, const workloads::LayerShape& l, std::uint32_t m0, std::uint32_t c0) {
  const std::uint64_t columns = std::uint64_t{c0} * l.s;
  if (arch.pe.kind == PeKind::kDense) {
    const std::uint64_t per_entry = std::max(1u, arch.pe.weight_data_bits / arch.precision.weight_bits);
    return fmt::format("its {} weights exceed pe.weight_data_entries = {} ({} per entry: pe.weight_data_bits = {} / "
                       "precision.weight_bits = {})",
                       columns * m0, arch.pe.weight_data_entries, per_entry, arch.pe.weight_data_bits,
                       arch.precision.weight_bits);
  }
  if (columns > arch.pe.weight_addr_entries)
    return fmt::format("its {} weight columns (c0 x S, one address each) exceed pe.weight_addr_entries = {}", columns,
                       arch.pe.weight_addr_entries);
  return fmt::format("its non-zero weights need more words (CSC entries, {} per word: pe.simd_width) than pe.weight_data_entries = {}",
                     arch.pe.simd_width, arch.pe.weight_data_entries);
}

/// Does every weight tile of this tiling fit the weight data SPad (by CSC entries on a sparse PE: the
/// non-zeros and the zero entries of runs of more than 15 zeros)? `table_for(m0)`: the layer's
/// weight-count table for m0 (a sparse PE only), asked for only when a tile of m0 dense columns would not
/// fit. `tile_words`: scratch (counters per m-tile).
template <typename TableFor>
bool weights_fit(const ArchSpec& arch, const workloads::LayerData& layer, std::uint32_t m0, std::uint32_t c0,
                 const TableFor& table_for, std::vector<std::uint32_t>& tile_words) {
  const auto& l = layer.shape();
  const std::uint32_t simd = arch.pe.simd_width;
  if (arch.pe.kind == PeKind::kDense) {
    const std::uint64_t per_entry = std::max(1u, arch.pe.weight_data_bits / arch.precision.weight_bits);
    return std::uint64_t{m0} * c0 * l.s <= std::uint64_t{arch.pe.weight_data_entries} * per_entry;
  }
  if (std::uint64_t{c0} * l.s > arch.pe.weight_addr_entries) return false;
  const std::uint64_t max_words = arch.pe.weight_data_entries;
  const bool dense_fits = std::uint64_t{c0} * l.s * ((m0 + simd - 1) / simd) <= max_words;
  if (dense_fits || layer.index.weights_dense()) return dense_fits;  // no column holds more than m0
  const std::shared_ptr<const WeightTileCounts> table = table_for(m0);
  const WeightTileCounts* counts = table.get();
  // Exact: the worst tile by compressed words. The table is [column][m-tile] with column
  // ((g*C + c)*R + r)*S + s: the c0 x S columns of a (g, c-block, r) are summed for all m-tiles at once,
  // along each column's contiguous row of the table (this runs over every tile of the layer). A tile
  // holds at most c0 x S x ceil(65535 / simd) words (c0 x S <= weight_addr_entries): 32-bit sums.
  // Tiles of more than 16 channels may hold zero entries: their words lie between those of the non-zeros
  // and those of the non-zeros plus one entry per 16 zeros of the tile; the exact entries (a walk over
  // every non-zero, built once per table) are asked for only when those bounds do not decide.
  const std::uint32_t tiles = counts->m_tiles();
  const bool bounded = counts->needs_entries();
  tile_words.resize(std::size_t{tiles} * 2);
  // ceil(n / simd) without a division per column when simd is a power of two (it is on every preset).
  const bool simd_pow2 = std::has_single_bit(simd);
  const int simd_shift = std::countr_zero(simd);
  const auto words_of = [=](std::uint32_t n) { return simd_pow2 ? (n + simd - 1) >> simd_shift : (n + simd - 1) / simd; };
  std::uint32_t* const low = tile_words.data();
  std::uint32_t* const high = low + tiles;
  // `column(column, words)` adds the column's words in every tile to words[tile].
  const auto worst_tiles = [&](auto column, bool with_bound) {
    bool undecided = false;
    for (std::uint32_t g = 0; g < l.g; ++g)
      for (std::uint32_t cb = 0; cb < l.c; cb += c0)
        for (std::uint32_t r = 0; r < l.r; ++r) {
          std::fill_n(low, tiles, 0u);
          if (with_bound) std::fill_n(high, tiles, 0u);
          for (std::uint32_t c = cb; c < std::min(l.c, cb + c0); ++c) {
            const std::uint32_t first = layer.index.weight_column(g, c, r, 0);
            for (std::uint32_t s = 0; s < l.s; ++s) {
              column(first + s, low);
              if (with_bound) {
                const std::uint16_t* const count = counts->column_counts(first + s);
                for (std::uint32_t t = 0; t < tiles; ++t)
                  high[t] += words_of(count[t] + ((m0 - count[t]) >> workloads::kCscCountBits));
              }
            }
          }
          if (*std::max_element(low, low + tiles) > max_words) return std::optional<bool>(false);
          undecided = undecided || (with_bound && *std::max_element(high, high + tiles) > max_words);
        }
    return undecided ? std::optional<bool>() : std::optional<bool>(true);
  };
  const auto nonzeros = [&](std::uint32_t column, std::uint32_t* words) {  // along the column's row of the table
    const std::uint16_t* const count = counts->column_counts(column);
    for (std::uint32_t t = 0; t < tiles; ++t) words[t] += words_of(count[t]);
  };
  const auto entries = [&](std::uint32_t column, std::uint32_t* words) {  // (the table is tile by tile)
    for (std::uint32_t t = 0; t < tiles; ++t) words[t] += words_of(counts->tile_entries(layer.index, t)[column]);
  };
  if (const std::optional<bool> fits = worst_tiles(nonzeros, bounded)) return *fits;
  return worst_tiles(entries, false).value();
}

}  // namespace

namespace {

NocMode mode_of(std::uint32_t sharers, std::uint32_t pes_per_cluster, std::uint32_t active, std::uint32_t pes) {
  if (sharers <= 1) return NocMode::kUnicast;
  if (sharers >= pes || sharers >= active) return NocMode::kBroadcast;
  if (sharers <= pes_per_cluster) return NocMode::kGroupedMulticast;
  return NocMode::kInterleavedMulticast;
}

}  // namespace

std::string describe(const Mapping& m) {
  return fmt::format("m0={} c0={} f0={} | red{} m{} g{} pos{}", m.factors.m0, m.factors.c0, m.factors.f0, m.k_red, m.k_m,
                     m.k_g, m.k_pos);
}

const MappingOverride* find_override(const std::vector<MappingOverride>& overrides, const std::string& layer_name) {
  for (const MappingOverride& o : overrides) {
    if (o.layer.empty() || o.layer == layer_name) return &o;
  }
  return nullptr;
}

namespace {

/// map_layer_candidates' request: the window and the count.
struct CandidateRequest {
  double window;
  std::uint32_t max_count;
  std::vector<Mapping>* out;
};

/// map_layer, and with `request` also map_layer_candidates (whose first candidate is the returned mapping).
Mapping search_mappings(const ArchSpec& arch, const workloads::LayerData& layer, const MappingOverride* forced,
                        IactTreeLoads* trees, MapperScratch* scratch, const CandidateRequest* request) {
  EYESIM_CHECK(!trees || &trees->arch() == &arch, "the mapper's iact tree loads were built for another architecture");
  const auto& l = layer.shape();
  const std::uint32_t P = arch.pes();
  const bool sparse = arch.pe.kind == PeKind::kSparse;
  const double iact_density = static_cast<double>(layer.iact_nnz) / static_cast<double>(std::max<std::uint64_t>(1, l.iact_count()));
  const double weight_density =
      static_cast<double>(layer.weight_nnz) / static_cast<double>(std::max<std::uint64_t>(1, l.weight_count()));
  const std::uint32_t window_limit = sparse ? std::max(arch.pe.iact_data_entries, arch.pe.weight_addr_entries)
                                            : arch.pe.iact_data_entries;

  // The options of one factor, or only the forced value: a view, no copy (this runs in the inner loops).
  const auto pick = [&](const FactorList& options, const std::uint32_t& want) {
    if (forced && want != 0) return std::span<const std::uint32_t>(&want, 1);
    return std::span<const std::uint32_t>(options.begin(), options.size());
  };
  FactorList m0s, c0s;
  const FactorList m0_options = factor_candidates(std::min(l.m, arch.pe.psum_entries));
  const FactorList c0_options = factor_candidates(l.c);
  const MappingOverride none{};
  const MappingOverride& want = forced ? *forced : none;
  for (std::uint32_t v : pick(m0_options, want.m0)) {
    if (v <= std::min(l.m, arch.pe.psum_entries)) m0s.push_back(v);
  }
  for (std::uint32_t v : pick(c0_options, want.c0)) {
    if (v <= l.c && std::uint64_t{v} * l.s <= window_limit) c0s.push_back(v);
  }
  if (m0s.empty()) {
    throw MappingError(fmt::format("layer {}: forced m0={} exceeds min(M={}, psum SPad {} entries)", l.name,
                                   forced->m0, l.m, arch.pe.psum_entries));
  }
  if (c0s.empty() && forced && forced->c0 > l.c) {  // (it was reported as a window overflow; helper-58)
    throw MappingError(fmt::format("layer {}: forced c0={} exceeds the layer's C={} input channels (per group)", l.name,
                                   forced->c0, l.c));
  }
  if (c0s.empty()) {
    // Named by the parameters that bound the window, so that the architecture file's key can be found.
    const std::string bound = sparse ? fmt::format("max(pe.iact_data_entries = {}, pe.weight_addr_entries = {})",
                                                   arch.pe.iact_data_entries, arch.pe.weight_addr_entries)
                                     : fmt::format("pe.iact_data_entries = {}", arch.pe.iact_data_entries);
    throw MappingError(fmt::format("layer {}: a filter row of {} columns{} does not fit the PE's {}-entry window ({})",
                                   l.name, l.s, forced && forced->c0 ? fmt::format(" x forced c0={}", forced->c0) : "",
                                   window_limit, bound));
  }

  // The search. The best candidate of each (m0, c0) pair is the least (estimate, DRAM bytes), ties to
  // the earlier in enumeration order; the mapping is the best pair whose weight tiles fit the SPad,
  // ties to the earlier pair. Pairs are visited cheapest lower bound first and every candidate is
  // pruned against both its pair's best and the best fitting pair so far (the incumbent), so the
  // search ends once a pair's bound exceeds the incumbent. Pruning is exact: the result equals the
  // exhaustive search's.
  struct Candidate {
    Mapping m;
    double path = 0;        ///< a lane's critical path: the first tie-breaker
    double dram_bytes = 0;  ///< estimated DRAM traffic: the second tie-breaker
    std::size_t pair = 0;   ///< enumeration order of its (m0, c0): the last tie-breaker
    bool set = false;
  };
  const auto better = [](const Candidate& a, const Candidate& b) {
    if (!b.set) return true;
    if (a.m.estimated_cycles != b.m.estimated_cycles) return a.m.estimated_cycles < b.m.estimated_cycles;
    if (a.path != b.path) return a.path < b.path;
    if (a.dram_bytes != b.dram_bytes) return a.dram_bytes < b.dram_bytes;
    return a.pair < b.pair;
  };
  // Resources of the estimate: the same servers the chip reserves (docs/model.md §2).
  const bool flat = arch.noc.kind == NocKind::kFlatMulticast;
  const std::uint32_t chain_height = max_chain_length(arch);
  const double clusters = flat ? 1.0 : double(arch.clusters());
  // Only the routers and banks with PEs behind them carry data: a PE's iact and weight routers (and its
  // iact bank) are its PE row's modulo their count, its psum router and bank its PE column's (Noc::port_of,
  // Chip::glb_iact_bank, Chip::glb_psum_bank), so a cluster uses at most pe_rows of the first and pe_cols
  // of the second. Counting the others (noc.weight_routers = 12 on 3 PE rows) made the estimate spread
  // loads over servers that never see them (helper-53).
  const double rows = arch.array.pe_rows, cols = arch.array.pe_cols;
  const double iact_ports = clusters * (flat ? 1 : std::min<double>(arch.noc.iact_routers, rows));
  const double weight_ports = clusters * (flat ? 1 : std::min<double>(arch.noc.weight_routers, rows));
  const double psum_ports = clusters * (flat ? 1 : std::min<double>(arch.noc.psum_routers, cols));
  const GlbLayout glb = glb_layout(arch, stored_iact_bytes(arch, layer));
  const double dram_bytes_per_cycle = arch.dram.bandwidth_gbps * 1e3 / arch.clock_mhz;  // 0 = unlimited
  const double output_bytes = double(l.oact_count()) * arch.precision.oact_bits / 8.0;
  const double iact_banks = double(glb.groups) * (arch.glb.shared ? glb.iact_banks : std::min<double>(glb.iact_banks, rows));
  const double psum_banks = double(glb.groups) * (arch.glb.shared ? glb.psum_banks : std::min<double>(glb.psum_banks, cols));
  const double bank_bits = arch.glb.bank_width_bits;
  const double hop = arch.noc.hop_latency_cycles;
  const double mesh_hops = flat ? 1.0 : 1.0 + (arch.array.cluster_rows + arch.array.cluster_cols) / 2.0;
  const double iact_entry_bits = sparse ? arch.pe.iact_data_bits : arch.precision.iact_bits;
  const double weight_entry_bits = sparse ? double(arch.pe.weight_data_bits) / arch.pe.simd_width : arch.precision.weight_bits;
  const double weight_bits_total = double(l.weight_count()) * (sparse ? weight_density : 1.0) * weight_entry_bits;

  // The busiest server of the iact trees (hw/iact_tree_loads.h), kept by the caller across layers.
  std::optional<IactTreeLoads> own_trees;
  const auto iact_trees = [&]() -> IactTreeLoads& {
    if (trees) return *trees;
    if (!own_trees) own_trees.emplace(arch);
    return *own_trees;
  };

  // The tables of the search: the caller's (kept across a network's layers) or this call's own.
  std::optional<MapperScratch> own_scratch;
  if (!scratch) scratch = &own_scratch.emplace();
  using FTile = MapperScratch::FTile;
  using Step = MapperScratch::Step;
  using Pair = MapperScratch::Pair;

  // The output-column tile widths f0 tried (tile counts giving the same f0 are one option).
  std::vector<FTile>& f_options = scratch->f_options;
  f_options.clear();
  FactorList f_tile_counts;
  if (forced && forced->f0) {
    f_tile_counts.push_back(ceil_div(l.f(), std::min(forced->f0, l.f())));
  } else {
    f_tile_counts = factor_candidates(std::min<std::uint32_t>(l.f(), 64));
  }
  for (std::uint32_t f_tiles : f_tile_counts) {
    const std::uint32_t f0 = ceil_div(l.f(), f_tiles);
    if (!f_options.empty() && f_options.back().f0 == f0) continue;
    const std::uint32_t ft = ceil_div(l.f(), f0);
    f_options.push_back({f0, ft, l.n * l.e() * ft});
  }
  // One work item of a tiling (an average over the layer's data): what a lane step costs.
  const auto step_of = [&](std::uint32_t m0, std::uint32_t c0, const FTile& ft) {
    const double col_cycles = sparse ? std::max(weight_density * m0 / arch.pe.simd_width, weight_density > 0 ? 1.0 : 0.0)
                                     : std::ceil(double(m0) / arch.pe.simd_width);
    const double iacts_per_item = double(c0) * std::min<double>(l.w, double(ft.f0) * l.u + l.s);
    Step st;
    st.iact_bits = iacts_per_item * (sparse ? iact_density : 1.0) * iact_entry_bits;
    double compute = (sparse ? iact_density : 1.0) * double(c0) * l.s * ft.f0 * col_cycles;
    // A sparse PE's front end visits ceil(S / U) iact segments per output column, one per cycle (PeCostModel).
    if (sparse && arch.pe.iact_segment_cycle) compute = std::max(compute, double(ft.f0) * ceil_div(l.s, l.u));
    // A step: the row arrives (hops), the PEs stream it (not faster than the port delivers it), fill.
    st.cycles = mesh_hops * hop + 1 + std::max(compute, std::ceil(st.iact_bits / arch.noc.iact_port_bits)) +
                (arch.pe.pipeline_stages - 1);
    st.psum_bits = double(m0) * ft.f0 * arch.precision.psum_bits;
    st.items = double(ceil_div(l.m, m0)) * ceil_div(l.c, c0) * l.r * l.g * ft.positions;
    return st;
  };
  // The pairs, each with an exact lower bound on its estimates: whatever the spatial factors, a lane
  // runs at least items / P steps.
  std::vector<Pair>& pairs = scratch->pairs;
  std::vector<Step>& pair_steps = scratch->pair_steps;  // [pair][f option]: computed here for the bounds, read again by the search
  pairs.clear();
  pair_steps.clear();
  for (std::uint32_t m0 : m0s)
    for (std::uint32_t c0 : c0s) {
      double bound = std::numeric_limits<double>::infinity();
      for (const FTile& ft : f_options) {
        const Step& st = pair_steps.emplace_back(step_of(m0, c0, ft));
        bound = std::min(bound, st.items / P * st.cycles);
      }
      pairs.push_back({m0, c0, bound});
    }
  std::vector<std::uint32_t>& order = scratch->order;  // by bound, ties in enumeration order (a stable sort)
  order.resize(pairs.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return pairs[a].bound < pairs[b].bound || (pairs[a].bound == pairs[b].bound && a < b);
  });

  // The weight-count table per m0 (sparse weights on a sparse PE), built once and kept by the mapping.
  const auto table_for = [&](std::uint32_t m0) -> std::shared_ptr<const WeightTileCounts> {
    if (!sparse) return nullptr;  // (a table of dense weights holds no counts)
    return layer.index.weight_tile_counts(m0);  // cached with the layer's data
  };
  // map_layer_candidates' pass (kCollect): every candidate whose estimate is at most `limit` goes to
  // `collect`, pruned against `limit` alone.
  double limit = 0;
  std::uint64_t seq = 0;
  std::uint32_t pick_red = 0, pick_m = 0, pick_g = 0;
  const auto collect = [&](const Mapping& cand, double path, double dram_bytes, std::size_t pair_index) {
    if (cand.k_red == pick_red && cand.k_m == pick_m && cand.k_g == pick_g) return;  // the pick is its layout's best
    std::int8_t& fits = scratch->pair_fits[pair_index];
    if (fits < 0) fits = weights_fit(arch, layer, cand.factors.m0, cand.factors.c0, table_for, scratch->tile_words) ? 1 : 0;
    if (fits == 0) return;
    MapperScratch::Collected c{cand, path, dram_bytes, seq++};
    for (MapperScratch::Collected& e : scratch->collected) {
      if (e.m.k_red != cand.k_red || e.m.k_m != cand.k_m || e.m.k_g != cand.k_g) continue;
      // The layout's best so far, ordered as map_layer orders a pair's candidates (visit order last).
      if (std::tuple(c.m.estimated_cycles, c.path, c.dram_bytes) < std::tuple(e.m.estimated_cycles, e.path, e.dram_bytes))
        e = std::move(c);
      return;
    }
    scratch->collected.push_back(std::move(c));
  };
  // The best pair, pruned against the best so far (the incumbent); `verify`: only pairs whose weight
  // tiles fit can become the incumbent. Unverified, the search finds the best of all pairs, and if that
  // fits it is the answer: one fit check (and weight-count table) instead of one per improvement.
  // kCollect: map_layer_candidates' pass instead (a compile-time switch: map_layer's own search stays as it is).
  const auto search = [&]<bool kCollect>(bool verify) {
    Candidate incumbent;
    const auto beaten_by = [&](const Candidate& c, double bound) {
      if constexpr (kCollect) return bound * (1 - 1e-9) > limit;
      return c.set && bound * (1 - 1e-9) > c.m.estimated_cycles;
    };
    for (const std::size_t pair_index : order) {
      const Pair& pair = pairs[pair_index];
      if (beaten_by(incumbent, pair.bound)) break;  // and so is every later pair
      const std::uint32_t m0 = pair.m0, c0 = pair.c0;
      const std::uint32_t m_tiles = ceil_div(l.m, m0);
      const std::uint32_t c_tiles = ceil_div(l.c, c0);
      const std::uint32_t partials = c_tiles * l.r;
      const double tile_bits = double(m0) * c0 * l.s * (sparse ? weight_density : 1.0) * weight_entry_bits +
                               (sparse ? double(c0) * l.s * arch.pe.weight_addr_bits : 0.0);
      Candidate best;
      best.pair = pair_index;
      const auto beaten = [&](double bound) { return beaten_by(best, bound) || beaten_by(incumbent, bound); };
      for (std::size_t fi = 0; fi < f_options.size(); ++fi) {
        const FTile& fo = f_options[fi];
        const std::uint32_t f0 = fo.f0, ft = fo.f_tiles, positions = fo.positions;
        const Step& st = pair_steps[pair_index * f_options.size() + fi];
        const double item_cycles = st.cycles, item_iact_bits = st.iact_bits, item_psum_bits = st.psum_bits;
        const double items = st.items;
        if (beaten(items / P * item_cycles)) continue;
        const FactorList k_reds = factor_candidates(std::min(partials, chain_height));
        for (std::uint32_t k_red : pick(k_reds, want.spatial_red)) {
          if (k_red > std::min(partials, chain_height)) continue;
          const double kk_passes = ceil_div(partials, k_red);
          const double rmw = 2.0 * (kk_passes - 1) / kk_passes;  // psum bank read + write except first / last
          // A psum chain of k_red contiguous PEs runs along one PE column (across clusters only if it
          // completes its outputs): floor(length / k_red) chains per column (hw/psum_chains.h). Its
          // links are not timed.
          const std::uint32_t chains = chains_for(arch, k_red, partials);
          if (chains == 0) continue;

          if (beaten(kk_passes * (items / partials) / chains * item_cycles)) continue;
          // Clusters occupied by the first n chains, [n] (looked up once per k_red, not per candidate).
          const std::span<const std::uint32_t> occupied =
              flat ? std::span<const std::uint32_t>{} : scratch->occupancy.table(arch, k_red, partials);
          EYESIM_CHECK(flat || occupied.size() > chains, "{} chains of {} PEs, the placement holds {}", chains, k_red,
                       occupied.size() - 1);
          const FactorList k_ms = factor_candidates(std::min(m_tiles, chains));
          for (std::uint32_t k_m : pick(k_ms, want.spatial_m)) {
            if (k_m == 0 || k_m > m_tiles || k_m > chains) continue;
            const FactorList k_gs = factor_candidates(std::min(l.g, chains / k_m));
            for (std::uint32_t k_g : pick(k_gs, want.spatial_g)) {
              if (k_g == 0 || k_g > l.g || std::uint64_t{k_m} * k_g > chains) continue;
              std::uint32_t k_pos = std::min(positions, chains / (k_m * k_g));
              // A forced value is taken as it is, or not at all (it was an upper bound: spatial_pos = 1000
              // ran the mapper's own choice without a word; found by helper-49).
              if (forced && forced->spatial_pos) {
                if (forced->spatial_pos > k_pos) continue;
                k_pos = forced->spatial_pos;
              }
              if (k_pos == 0) continue;
              const double lanes = double(k_g) * k_pos;
              const double passes = double(ceil_div(m_tiles, k_m)) * kk_passes * ceil_div(l.g, k_g);
              // The chip fills the array with chains cluster by cluster (hw/psum_chains.h), so a mapping on
              // part of it has the routers (and GLB banks) of the clusters it occupies only: `in_use` of
              // each. (Counting every cluster's made a mapping on a quarter of the array look as fast as one
              // on all of it: array.pe_cols = 16 made sparse AlexNet FC8 2.7x slower; helper-53.)
              const double in_use = flat ? 1.0 : occupied[std::size_t{k_g} * k_pos * k_m] / clusters;
              const double weight_ports_used = weight_ports * in_use;
              // Critical path of one lane: its steps plus one weight load per pass (single-buffered SPad).
              const double pass_load = hop * mesh_hops +
                                       std::ceil(double(k_m) * k_red * tile_bits /
                                                 (arch.noc.weight_port_bits * std::min(weight_ports_used, double(k_m) * k_red)));
              // Without GLB blocking (a lower bound: blocks only add passes, weight loads and DRAM time);
              // the path alone first, before the divisions of the loads.
              double unblocked = passes * ceil_div(positions, k_pos) * item_cycles + passes * pass_load;
              if (beaten(unblocked)) continue;
              // Occupancy of the shared servers: NoC ports, GLB banks of each data type (independent of
              // the GLB blocks, except the weights: once per block).
              const double total_steps = passes * double(positions) / k_pos * lanes;
              // Lanes of a group at one step share the rows they have in common (row-stationary sharing).
              const double iact_bits_total = total_steps * k_red * item_iact_bits *
                                             distinct_row_fraction(l, ft, std::min(k_pos, positions), k_red, partials);
              const double psum_bits_total = total_steps * k_m * item_psum_bits;
              const double iact_users = lanes * k_red, psum_users = lanes * k_m;
              const double weight_load =
                  weight_bits_total / (arch.noc.weight_port_bits * std::min(weight_ports_used, double(k_g) * k_m * k_red));
              const double banks_in_use = arch.glb.shared ? 1.0 : in_use;  // a shared GLB serves every PE
              const double loads[] = {
                  iact_bits_total / (arch.noc.iact_port_bits * std::min(iact_ports * in_use, iact_users)),
                  iact_bits_total / bank_bits / std::min(iact_banks * banks_in_use, iact_users),
                  psum_bits_total / (arch.noc.psum_port_bits * std::min(psum_ports * in_use, psum_users)),
                  psum_bits_total * rmw / bank_bits / std::min(psum_banks * banks_in_use, psum_users),
                  weight_load,
              };
              for (double load : loads) unblocked = std::max(unblocked, load);
              if (beaten(unblocked)) continue;
              Mapping cand;  // (built only for the candidates that get this far)
              cand.factors.m0 = m0;
              cand.factors.c0 = c0;
              cand.factors.f0 = f0;
              cand.m_tiles = m_tiles;
              cand.c_tiles = c_tiles;
              cand.f_tiles = ft;
              cand.partials = partials;
              cand.positions = positions;
              cand.k_red = k_red;
              cand.k_m = k_m;
              cand.k_g = k_g;
              cand.k_pos = k_pos;
              cand.glb = plan_glb(arch, layer, cand, item_cycles);
              const double blocks = cand.glb.blocks;
              const std::uint32_t bp = cand.glb.block_positions;
              const double steps = passes * (double(positions / bp) * ceil_div(bp, k_pos) +
                                             (positions % bp ? ceil_div(positions % bp, k_pos) : 0));
              const double path = steps * (item_cycles + streamed_step_wait(arch, cand.glb)) + passes * blocks * pass_load;
              const double dram_bytes = cand.glb.estimated_dram_bytes + output_bytes;
              double estimate = std::max(path, blocks * weight_load);
              for (double load : loads) estimate = std::max(estimate, load);
              if (dram_bytes_per_cycle > 0) estimate = std::max(estimate, dram_bytes / dram_bytes_per_cycle);
              // On the mesh, the busiest server of the iact trees carries its multicasts of every lane step
              // one after another (each ceil(bits / width) cycles, as the chip reserves them). It only adds,
              // and it routes the candidate's trees: asked for only by a candidate that would win so far. (On
              // a flat NoC every multicast holds the one bus, which the port load above counts.)
              if (!flat) {
                if (beaten(estimate)) continue;
                estimate = std::max(estimate, passes * double(positions) / k_pos *
                                                  iact_trees().busiest(k_red, k_m, partials, k_g * k_pos) *
                                                  std::ceil(item_iact_bits / arch.noc.iact_port_bits));
              }
              if constexpr (kCollect) {
                if (estimate > limit) continue;
                cand.estimated_cycles = estimate;
                collect(cand, path, dram_bytes, pair_index);
                continue;
              }
              if (best.set && (estimate > best.m.estimated_cycles ||
                               (estimate == best.m.estimated_cycles &&
                                (path > best.path || (path == best.path && dram_bytes >= best.dram_bytes)))))
                continue;
              cand.estimated_cycles = estimate;
              best.m = cand;
              best.path = path;
              best.dram_bytes = dram_bytes;
              best.set = true;
            }
          }
        }
      }
      // The pair's best becomes the incumbent if it wins (and, verifying, every weight tile really fits).
      if (!best.set || !better(best, incumbent)) continue;
      if (verify && !weights_fit(arch, layer, m0, c0, table_for, scratch->tile_words)) continue;
      incumbent = best;
    }
    return incumbent;
  };
  Candidate incumbent = search.template operator()<false>(false);
  if (incumbent.set &&
      !weights_fit(arch, layer, incumbent.m.factors.m0, incumbent.m.factors.c0, table_for, scratch->tile_words))
    incumbent = search.template operator()<false>(true);
  // The reported factors of a chosen mapping.
  const auto finish = [&](Mapping m) {
    // The chip reads the table on either PE kind: a dense PE gates the zero weights it walks, so it
    // counts them per tile too (without the table, a binary search per column and tile).
    if (!layer.index.weights_dense()) m.weight_counts = layer.index.weight_tile_counts(m.factors.m0);
    LayerMapping& f = m.factors;
    f.spatial_red = m.k_red;
    f.spatial_m = m.k_m;
    f.spatial_g = m.k_g;
    f.spatial_pos = m.k_pos;
    f.spatial_r = std::min(m.k_red, l.r);  // partials run filter rows fastest: a chunk holds whole filters first
    f.spatial_c = std::max(1u, m.k_red / f.spatial_r);
    // Lanes take consecutive positions, f-tiles fastest, then output rows, then images (Chip::on_lane_step):
    // the factors in that order (n first reported batch-3 lanes over 4 rows of one image as n=3 e=1; helper-55).
    f.spatial_f = std::min(m.k_pos, m.f_tiles);
    f.spatial_e = std::min(l.e(), std::max(1u, m.k_pos / f.spatial_f));
    f.spatial_n = std::min(l.n, ceil_div(m.k_pos, f.spatial_f * f.spatial_e));  // the images the lanes reach
    f.passes = ceil_div(m.m_tiles, m.k_m) * ceil_div(m.partials, m.k_red) * ceil_div(l.g, m.k_g) * m.glb.blocks;
    const std::uint32_t active = m.active_pes();
    f.iact_mode = mode_of(m.k_m, arch.pes_per_cluster(), active, P);
    f.weight_mode = mode_of(m.k_pos, arch.pes_per_cluster(), active, P);
    f.psum_mode = m.k_red > 1 ? NocMode::kGroupedMulticast : NocMode::kUnicast;
    return m;
  };
  if (incumbent.set) {
    Mapping chosen = finish(incumbent.m);
    if (request) {
      std::vector<Mapping>& out = *request->out;
      out.clear();
      out.push_back(chosen);
      if (request->max_count > 1) {
        limit = chosen.estimated_cycles * (1 + request->window);
        pick_red = chosen.k_red;
        pick_m = chosen.k_m;
        pick_g = chosen.k_g;
        seq = 0;
        scratch->collected.clear();
        scratch->pair_fits.assign(pairs.size(), -1);
        search.template operator()<true>(false);
        std::vector<MapperScratch::Collected>& c = scratch->collected;
        std::sort(c.begin(), c.end(), [](const MapperScratch::Collected& a, const MapperScratch::Collected& b) {
          return std::tuple(a.m.estimated_cycles, a.path, a.dram_bytes, a.seq) <
                 std::tuple(b.m.estimated_cycles, b.path, b.dram_bytes, b.seq);
        });
        for (std::size_t i = 0; i < c.size() && out.size() < request->max_count; ++i) out.push_back(finish(c[i].m));
      }
    }
    return chosen;
  }
  if (forced) {
    const std::uint32_t m0 = m0s.front(), c0 = c0s.front();  // the forced values, or the smallest
    const bool tile_fits = weights_fit(arch, layer, m0, c0, table_for, scratch->tile_words);
    // Only what the mapping file forces: a factor it leaves to the mapper (0) is not part of the problem.
    std::string given;
    for (const auto& [name, value] : {std::pair{"m0", forced->m0}, {"c0", forced->c0}, {"f0", forced->f0},
                                      {"spatial_red", forced->spatial_red}, {"spatial_m", forced->spatial_m},
                                      {"spatial_g", forced->spatial_g}, {"spatial_pos", forced->spatial_pos}})
      if (value != 0) given += fmt::format("{}{}={}", given.empty() ? "" : " ", name, value);
    // A spatial factor beyond what the layer has of its dimension, at the smallest tiles the forced ones
    // allow, is named with that bound (it was the PE count whatever the reason; found by helper-49).
    const std::uint32_t f_tiles = forced->f0 ? ceil_div(l.f(), std::min(forced->f0, l.f())) : std::min(l.f(), 64u);
    const std::uint32_t most_partials = ceil_div(l.c, c0) * l.r, most_m_tiles = ceil_div(l.m, m0);
    const std::uint32_t most_positions = l.n * l.e() * f_tiles;
    std::string beyond;
    if (forced->spatial_red > std::min(most_partials, chain_height))
      beyond = fmt::format("spatial_red={} exceeds the {} partial sums per output ({} c-tiles of c0={} x R={}) or the "
                           "longest psum chain, {} PEs",
                           forced->spatial_red, most_partials, ceil_div(l.c, c0), c0, l.r, chain_height);
    else if (forced->spatial_m > most_m_tiles)
      beyond = fmt::format("spatial_m={} exceeds the layer's {} m-tiles (M={} in tiles of m0={})", forced->spatial_m,
                           most_m_tiles, l.m, m0);
    else if (forced->spatial_g > l.g)
      beyond = fmt::format("spatial_g={} exceeds the layer's {} group{}", forced->spatial_g, l.g, l.g == 1 ? "" : "s");
    else if (forced->spatial_pos > most_positions)
      beyond = fmt::format("spatial_pos={} exceeds the layer's {} output positions (N={} x E={} x {} f-tile{})",
                           forced->spatial_pos, most_positions, l.n, l.e(), f_tiles, f_tiles == 1 ? "" : "s");
    throw MappingError(fmt::format(
        "layer {}: the forced mapping does not fit ({}; the others left to the mapper): {}", l.name, given,
        !tile_fits ? fmt::format("its {}x{}x{} weight tile (m0 x c0 x S) does not fit: {}", m0, c0, l.s,
                                 weight_tile_misfit(arch, l, m0, c0))
        : !beyond.empty() ? beyond
                          : fmt::format("its spatial factors need more PEs, or longer psum chains, than the {} PEs hold", P)));
  }
  // Every tile of the smallest one up (1 x 1 x S) fails the weight SPads: say which of them.
  throw MappingError(fmt::format("layer {}: no tiling fits the PE: the smallest weight tile, {}x{}x{} (m0 x c0 x S), "
                                 "does not fit: {}",
                                 l.name, m0s.front(), c0s.front(), l.s, weight_tile_misfit(arch, l, m0s.front(), c0s.front())));
}

}  // namespace

Mapping map_layer(const ArchSpec& arch, const workloads::LayerData& layer, const MappingOverride* forced,
                  IactTreeLoads* trees, MapperScratch* scratch) {
  return search_mappings(arch, layer, forced, trees, scratch, nullptr);
}

void map_layer_candidates(const ArchSpec& arch, const workloads::LayerData& layer, double window,
                          std::uint32_t max_count, std::vector<Mapping>& out, IactTreeLoads* trees,
                          MapperScratch* scratch) {
  EYESIM_CHECK(max_count >= 1 && window >= 0, "mapping candidates: count {} and window {}", max_count, window);
  const CandidateRequest request{window, max_count, &out};
  search_mappings(arch, layer, nullptr, trees, scratch, &request);
}

}  // namespace eyesim::hw
