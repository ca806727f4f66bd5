// PeCostModel: the 7-stage sparse pipeline and the dense pipeline, cycle counts from the data.
#include "hw/pe_cost.h"

#include <algorithm>
#include <bit>
#include <type_traits>

namespace eyesim::hw {

PeCostModel::PeCostModel(const ArchSpec& arch, const workloads::LayerData& layer, std::uint32_t m0)
    : PeCostModel(arch, layer, m0 > 0 ? layer.index.weight_tile_counts(m0) : nullptr) {}

PeCostModel::PeCostModel(const ArchSpec& arch, const workloads::LayerData& layer,
                         std::shared_ptr<const WeightTileCounts> counts)
    : arch_(arch),
      layer_(layer),
      shape_(layer.shape()),
      sparse_(arch.pe.kind == PeKind::kSparse),
      counts_(std::move(counts)),
      segment_cycle_(sparse_ && arch.pe.iact_segment_cycle),
      simd_shift_(std::has_single_bit(arch.pe.simd_width) ? std::countr_zero(arch.pe.simd_width) : -1) {
  class_of_w_.resize(shape_.w);
  for (std::uint32_t w = 0; w < shape_.w; ++w) class_of_w_[w] = (w + shape_.pad) % shape_.u;
  if (!segment_cycle_) return;
  // Output column f visits segments f + t, t < ceil(S / U), for filter columns s = t*U + u < S at input
  // columns w = f*U + s - pad; a segment whose columns are all padding is not visited.
  const std::int64_t S = shape_.s, U = shape_.u, pad = shape_.pad, W = shape_.w;
  const std::uint32_t F = shape_.f();
  segment_visits_before_.assign(std::size_t{F} + 1, 0);
  for (std::uint32_t f = 0; f < F; ++f) {
    std::uint64_t visits = 0;
    for (std::int64_t t = 0; t * U < S; ++t) {
      const std::int64_t first = f * U + t * U - pad, last = f * U + std::min(S, (t + 1) * U) - pad;  // [first, last)
      visits += last > 0 && first < W;
    }
    segment_visits_before_[f + 1] = segment_visits_before_[f] + visits;
  }
}

void PeCostModel::weight_tile(std::uint32_t g, std::uint32_t m_begin, std::uint32_t m_end, std::uint32_t c_begin,
                              std::uint32_t c_end, std::uint32_t r, WeightTileCost& out) const {
  const std::uint32_t S = shape_.s, U = shape_.u;
  const std::uint32_t simd = arch_.pe.simd_width;
  out.columns.resize(std::size_t{c_end - c_begin} * S);  // (capacity is kept: no allocation after the first tile)
  // A 1 x 1 filter at stride 1 has one column per class: its class table is its column table.
  const bool classes_are_columns = S == 1 && U == 1;
  if (classes_are_columns) {
    out.classes.clear();
  } else {
    out.classes.assign(std::size_t{c_end - c_begin} * U, WeightClassCost{});
  }
  const auto& index = layer_.index;
  const std::uint32_t height = m_end - m_begin;
  // Sparse weights: the non-zeros of a column from the count table when it has this tile (a dense table
  // holds no rows: dense weights have `height` non-zeros per column, as weight_nnz says).
  const bool weights_dense = index.weights_dense();
  const bool tabled = !weights_dense && counts_ && counts_->covers(m_begin, m_end);
  const std::uint32_t tile = tabled ? m_begin / counts_->m0() : 0;
  // Members read in the loops below are copied into locals: the column stores (unsigned int) could alias
  // simd_shift_ (int), so the compiler would reload it per column.
  const int simd_shift = simd_shift_;
  const bool sparse = sparse_;
  const auto words_of = [simd_shift, simd](std::uint32_t nnz) {
    return simd_shift >= 0 ? (nnz + simd - 1) >> simd_shift : (nnz + simd - 1) / simd;
  };
  const std::uint32_t dense_words = words_of(height);  // a dense PE walks the whole column, gating zeros
  const std::uint32_t empty_cycles = arch_.pe.empty_column_bubble ? 1u : 0u;
  // Summed in locals, not through `out` (its stores would alias the column stores below).
  std::uint64_t tile_nnz = 0, tile_entries = 0, tile_words = 0;
  WeightColumnCost* column = out.columns.data();
  // One flat loop over the tile's columns (c, s) per source of the non-zero counts: the source is chosen
  // once per tile, and the loop is long enough to pay for itself when S = 1.
  const std::uint32_t R = shape_.r;
  // A sparse PE stores, reads and moves a column's CSC entries: its non-zeros and the zero entries that
  // carry runs of more than 15 zeros (`column_entries`); its MACs are the non-zeros. A dense PE walks the
  // whole column. `same`: std::true_type when the entries are the non-zeros (tiles of at most 16 channels,
  // dense weights), so the loop reads one count per column.
  const auto add_columns = [&](auto&& column_nnz, auto&& column_entries, auto same) {
    const std::uint32_t columns = (c_end - c_begin) * S;
    // Column (c, s) of the weights is weight_column(g, c, r, s): the columns s of one channel are
    // consecutive, and the next channel's start R * S further.
    std::uint32_t weight_column = index.weight_column(g, c_begin, r, 0);
    WeightClassCost* classes = out.classes.data();
    // The class of s for an iact at w: s = w + pad - f*U, so (w + pad) mod U = s mod U.
    for (std::uint32_t k = 0, s = 0, cls = 0; k < columns; ++k, ++column) {
      const std::uint32_t nnz = column_nnz(weight_column);
      std::uint32_t entries = nnz;
      if constexpr (!decltype(same)::value) {
        if (sparse) entries = column_entries(weight_column);
      }
      const std::uint32_t words = words_of(entries);
      const std::uint32_t cycles = sparse ? (nnz > 0 ? words : empty_cycles) : dense_words;
      tile_words += sparse ? words : dense_words;
      *column = WeightColumnCost{cycles, nnz, words};
      tile_nnz += nnz;
      tile_entries += entries;
      if (!classes_are_columns) {
        classes[cls].cycles += cycles;
        classes[cls].nnz += nnz;
        classes[cls].words += words;
      }
      if (++s < S) {
        ++weight_column;
        if (++cls == U) cls = 0;
      } else {  // the next channel
        s = cls = 0;
        weight_column += (R - 1) * S + 1;
        if (!classes_are_columns) classes += U;
      }
    }
  };
  if (weights_dense) {
    const auto whole = [height](std::uint32_t) { return height; };
    add_columns(whole, whole, std::true_type{});
  } else if (tabled) {
    // The count table's rows of consecutive columns are m_tiles apart; this tile's entry is at `tile`.
    const std::uint16_t* counts = counts_->column_counts(0) + tile;
    const std::size_t stride = counts_->m_tiles();
    const auto count_of = [counts, stride](std::uint32_t weight_column) -> std::uint32_t { return counts[weight_column * stride]; };
    if (!sparse_ || !counts_->needs_entries()) {  // (a dense PE walks whole columns: no entries)
      add_columns(count_of, count_of, std::true_type{});
    } else {
      // The entries table is tile by tile: this tile's columns are contiguous.
      const std::uint16_t* entries = counts_->tile_entries(layer_.index, tile);
      add_columns(count_of, [entries](std::uint32_t weight_column) -> std::uint32_t { return entries[weight_column]; },
                  std::false_type{});
    }
  } else {
    const auto count_of = [&index, m_begin, m_end](std::uint32_t weight_column) {
      return index.weight_nnz(weight_column, m_begin, m_end);
    };
    const auto entries_of = [&index, m_begin, m_end](std::uint32_t weight_column) {
      return index.weight_csc_entries(weight_column, m_begin, m_end);
    };
    if (!sparse_ || height <= workloads::kCscMaxCount + 1) {
      add_columns(count_of, entries_of, std::true_type{});
    } else {
      add_columns(count_of, entries_of, std::false_type{});
    }
  }
  out.nnz = tile_nnz;
  out.entries = tile_entries;
  out.words = tile_words;
  const std::uint64_t cols = out.columns.size();
  if (sparse_) {  // CSC: one (count, value) pair per entry plus one address per column
    out.bits = out.entries * (arch_.pe.weight_data_bits / std::max(1u, simd)) + cols * arch_.pe.weight_addr_bits;
  } else {
    out.bits = cols * (m_end - m_begin) * arch_.precision.weight_bits;
  }
}

void PeCostModel::iact_window(const WorkItem& it, IactWindow& out) const {
  out.edge_columns.clear();
  out.nnz = out.zero_entries = out.span = out.segment_visits = 0;
  out.c_count = it.c_end - it.c_begin;
  const std::uint32_t S = shape_.s, U = shape_.u, pad = shape_.pad;
  const std::int64_t h = std::int64_t{it.e} * U + it.r - pad;
  out.empty = h < 0 || h >= shape_.h;
  if (out.empty) return;
  // (The chip reserved the window's storage: these resize within capacity.)
  out.interior.resize(std::size_t{out.c_count} * U);
  std::fill(out.interior.begin(), out.interior.end(), 0u);
  // Input columns this item reads: w in [f_begin*U - pad, (f_end-1)*U + S - 1 - pad], clipped to the row.
  const std::int64_t w_lo = std::max<std::int64_t>(0, std::int64_t{it.f_begin} * U - pad);
  const std::int64_t w_hi = std::min<std::int64_t>(shape_.w, std::int64_t{it.f_end - 1} * U + S - pad);  // exclusive
  // Windows wholly in the padding columns (padding wider than the filter, a narrow f-tile at an edge) read
  // nothing, as a padding row reads nothing. (The bounds below assume w_lo <= w_hi: the row's non-zeros
  // were all counted, twice and more, when they were not; found by helper-51.)
  if (w_hi <= w_lo) {
    out.empty = true;
    return;
  }
  out.span = static_cast<std::uint64_t>(w_hi - w_lo);
  // The interior: iacts that meet every filter column of their class (f = (w + pad - s) / U stays in
  // [f_begin, f_end) for every s < S with s = (w + pad) mod U).
  const std::int64_t in_lo = std::clamp<std::int64_t>(std::int64_t{it.f_begin} * U - pad + S - 1, w_lo, w_hi);
  const std::int64_t in_hi = std::clamp<std::int64_t>(std::int64_t{it.f_end} * U - pad, in_lo, w_hi);
  const auto& index = layer_.index;
  const bool row_start = w_lo == 0, row_end_reached = w_hi >= shape_.w;
  // An edge iact at w meets filter columns s = w + pad - f*U for f in [f_begin, f_end), s < S: from the
  // class of w (the smallest s, f_end - 1 >= f) or from f = f_end - 1, up to f = f_begin.
  const std::int64_t f_last_offset = std::int64_t{it.f_end - 1} * U, f_first_offset = std::int64_t{it.f_begin} * U;
  const auto add_edge = [&](std::uint32_t ci, std::uint32_t w) {
    const std::int64_t base = std::int64_t{w} + pad;
    const std::int64_t s_end = std::min<std::int64_t>(S, base - f_first_offset + 1);
    const std::uint32_t channel_columns = ci * S;
    for (std::int64_t s = base >= f_last_offset ? base - f_last_offset : class_of_w_[w]; s < s_end; s += U)
      out.edge_columns.push_back(channel_columns + static_cast<std::uint32_t>(s));
  };
  std::uint64_t nnz = 0;  // (summed here: `out` is written through a reference)
  for (std::uint32_t c = it.c_begin; c < it.c_end; ++c) {
    const std::uint32_t ci = c - it.c_begin;
    std::uint32_t* interior = out.interior.data() + std::size_t{ci} * U;
    if (index.iacts_dense()) {
      for (std::int64_t w = w_lo; w < in_lo; ++w) add_edge(ci, std::uint32_t(w));
      for (std::int64_t w = in_lo; w < in_hi; ++w) ++interior[class_of_w_[w]];
      for (std::int64_t w = in_hi; w < w_hi; ++w) add_edge(ci, std::uint32_t(w));
      nnz += out.span;
      continue;
    }
    const auto ws = index.iact_ws(index.iact_row(it.n, it.g * shape_.c + c, static_cast<std::uint32_t>(h)));
    // The window's non-zeros [first, last); a window that starts or ends with the row needs no search.
    const std::uint16_t* const row_begin = ws.data();
    const std::uint16_t* const row_end = row_begin + ws.size();
    const std::uint16_t* const first =
        row_start ? row_begin : std::lower_bound(row_begin, row_end, static_cast<std::uint16_t>(w_lo));
    const std::uint16_t* const last =
        row_end_reached ? row_end : std::lower_bound(first, row_end, static_cast<std::uint16_t>(w_hi));
    // The edges are at most S - 1 columns wide at either end: walk them linearly.
    // (A window without edges, a 1 x 1 filter's whole row, never reads the row's columns.)
    const std::uint16_t* lo = first;
    if (in_lo > w_lo)
      for (; lo != last && *lo < in_lo; ++lo) add_edge(ci, *lo);
    const std::uint16_t* hi = last;
    if (in_hi < w_hi)
      while (hi != lo && *(hi - 1) >= in_hi) --hi;
    if (U == 1) {
      interior[0] += static_cast<std::uint32_t>(hi - lo);
    } else {
      for (const std::uint16_t* p = lo; p != hi; ++p) ++interior[class_of_w_[*p]];
    }
    for (const std::uint16_t* p = hi; p != last; ++p) add_edge(ci, *p);
    nnz += static_cast<std::uint64_t>(last - first);
  }
  out.nnz = nnz;
  // A segment of at most 16 channels never needs a zero entry (no V2 PE has more); dense iacts have no
  // zeros. Otherwise a second walk over the window's non-zeros, channel by channel: per input column, the
  // zeros since the previous non-zero channel.
  if (sparse_ && out.c_count > workloads::kCscMaxCount + 1 && !index.iacts_dense()) {
    std::uint64_t zero_entries = 0;
    out.last_channel.assign(out.span, -1);
    for (std::uint32_t c = it.c_begin; c < it.c_end; ++c) {
      const auto ws = index.iact_ws(index.iact_row(it.n, it.g * shape_.c + c, static_cast<std::uint32_t>(h)));
      const auto* p = std::lower_bound(ws.data(), ws.data() + ws.size(), static_cast<std::uint16_t>(w_lo));
      for (; p != ws.data() + ws.size() && *p < w_hi; ++p) {
        std::int32_t& previous = out.last_channel[static_cast<std::size_t>(*p - w_lo)];
        const auto ci = static_cast<std::int32_t>(c - it.c_begin);
        zero_entries += static_cast<std::uint32_t>(ci - previous - 1) >> workloads::kCscCountBits;
        previous = ci;
      }
    }
    out.zero_entries = zero_entries;
  }
  if (segment_cycle_) out.segment_visits = segment_visits_before_[it.f_end] - segment_visits_before_[it.f_begin];
}

WorkItemCost PeCostModel::work_item(const WorkItem& item, const WeightTileCost& tile) const {
  IactWindow window;
  iact_window(item, window);
  return work_item(item, window, tile);
}

}  // namespace eyesim::hw
