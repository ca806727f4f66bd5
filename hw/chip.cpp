// Chip: wiring and event handlers of the layer model (docs/model.md).
#include "hw/chip.h"

#include <algorithm>
#include <bit>
#include <numeric>

#include <fmt/format.h>

#include "hw/energy.h"
#include "workloads/csc.h"
#include "workloads/reference_conv.h"

namespace eyesim::hw {
namespace {

std::uint32_t ceil_div(std::uint64_t a, std::uint64_t b) { return static_cast<std::uint32_t>((a + b - 1) / b); }

/// `storage` (of `size` bytes) grown to at least `bytes`, uninitialised (it only grows: a network's
/// layers reuse it).
std::byte* at_least(std::unique_ptr<std::byte[]>& storage, std::size_t& size, std::size_t bytes) {
  if (size < bytes) {
    storage = std::make_unique_for_overwrite<std::byte[]>(bytes);
    size = bytes;
  }
  return storage.get();
}

}  // namespace

Chip::Chip(const ArchSpec& arch, const workloads::LayerData& layer, const Mapping& mapping, const RunOptions& options,
           Workspace& workspace, std::optional<double> oact_density)
    : arch_(arch),
      layer_(layer),
      shape_(layer.shape()),
      map_(mapping),
      placement_(arch, mapping.k_red, mapping.k_m, mapping.k_g, mapping.partials),
      iact_entry_bits_(arch.pe.kind == PeKind::kSparse ? arch.pe.iact_data_bits : arch.precision.iact_bits),
      options_(options),
      workspace_(workspace),
      oact_density_(oact_density),
      sim_(workspace.sim),
      clock_(Clock{1}),  // the chip is one clock domain: its private simulator counts cycles (1 tick = 1 cycle)
      pe_cost_(arch, layer, mapping.weight_counts),
      weights_dense_(layer.index.weights_dense()),
      noc_(arch, std::move(workspace.noc)),
      dram_(arch, std::move(workspace.dram_windows)),
      // Every tile of every group at its largest: c0 x S columns and c0 x U classes.
      tile_arena_(at_least(workspace.tile_storage, workspace.tile_storage_bytes,
                           std::size_t{mapping.k_g} * mapping.k_m * mapping.k_red * mapping.factors.c0 *
                                   (layer.shape().s * sizeof(WeightColumnCost) + layer.shape().u * sizeof(WeightClassCost)) +
                               256),
                  workspace.tile_storage_bytes) {
  // The workspace holds the previous layer's tables: each is set here (or before every read, the
  // per-step scratch) and the simulator starts afresh.
  for_each_borrowed([](auto& mine, auto& lent) { mine = std::move(lent); });
  sim_.reset();
  iact_routes_.clear();
  iact_banks_.clear();
  lane_pes_.clear();
  psum_banks_.clear();
  psum_ports_.clear();
  weight_routes_.clear();
  psum_chain_hops_.clear();
  // The GLB plan (hw/glb_plan.h): bank split, position blocks, whether a block's input rows fit the
  // iact banks and whether its live psums spill to DRAM.
  glb_ = map_.glb.layout;
  iacts_resident_ = map_.glb.iacts != IactResidency::kStream;
  psums_spill_ = map_.glb.psums_spill;
  rows_.assign(std::size_t{shape_.n} * shape_.g * map_.c_tiles * shape_.h * map_.f_tiles, RowState{});
  // Off-chip traffic goes through the iact banks when the input is held in them, and through the psum
  // banks when psums spill; otherwise a bank is a plain busy-until server.
  glb_iact_banks_.assign(std::size_t{glb_.groups} * glb_.iact_banks, GlbBank(iacts_resident_));
  glb_psum_banks_.assign(std::size_t{glb_.groups} * glb_.psum_banks, GlbBank(psums_spill_));
  lanes_.assign(std::size_t{map_.k_g} * map_.k_pos, Lane{});
  // The group table only grows (its tile lists keep their capacity): this layer uses its first k_g groups.
  if (groups_.size() < map_.k_g) groups_.resize(map_.k_g);
  for (std::uint32_t g_i = 0; g_i < map_.k_g; ++g_i) {
    Group& grp = groups_[g_i];
    grp.first_lane = g_i * map_.k_pos;
    grp.arrived = grp.pass = 0;
    grp.tile_pass = TilePass{};
    grp.read_issue = grp.epoch_start = 0;
    const std::size_t tiles = std::size_t{map_.k_m} * map_.k_red;
    grp.tiles.clear();  // (emptied by the chip that used them)
    for (std::size_t t = 0; t < tiles; ++t) grp.tiles.emplace_back(&tile_arena_);
    if (weights_dense_) grp.dense_tile_shapes.assign(tiles, 0);
    grp.reduction_slots.assign(map_.k_red, ReductionSlot{});
    grp.output_slots.assign(map_.k_m, OutputSlot{});
    if (options_.verify && grp.verify_tiles.size() < tiles) grp.verify_tiles.resize(tiles);
    for (std::uint32_t pos_i = 0; pos_i < map_.k_pos; ++pos_i) {
      Lane& lane = lanes_[g_i * map_.k_pos + pos_i];
      lane.g_i = g_i;
      lane.pos_i = pos_i;
    }
  }
  wire();
  out_rows_ = shape_.e();
  out_cols_ = shape_.f();
  step_work_.assign(std::size_t{map_.k_m} * map_.k_red, PeWork{});
  step_ends_.assign(step_work_.size(), 0);
  step_arrival_.assign(map_.k_red, 0);
  window_slots_ = std::bit_ceil(map_.k_red);
  if (lane_windows_.size() < lanes_.size() * window_slots_) lane_windows_.resize(lanes_.size() * window_slots_);
  // A window holds at most c0 x U interior counts and, per channel, the window's columns within S - 1 of
  // either end, each meeting at most ceil(S / U) filter columns (PeCostModel::iact_window): reserved
  // here, so that no lane step allocates.
  const std::size_t interior_bound = std::size_t{map_.factors.c0} * shape_.u;
  const std::size_t edge_bound =
      std::size_t{map_.factors.c0} *
      std::min<std::size_t>(2 * (std::size_t{shape_.s} - 1), std::min<std::size_t>(shape_.w, std::size_t{map_.factors.f0 - 1} * shape_.u + shape_.s));
  const std::size_t edge_column_bound = edge_bound * ceil_div(shape_.s, shape_.u);
  const std::size_t span_bound =
      std::min<std::size_t>(shape_.w, std::size_t{map_.factors.f0 - 1} * shape_.u + shape_.s);
  for (std::size_t w = 0; w < lanes_.size() * window_slots_; ++w) {
    lane_windows_[w].interior.reserve(interior_bound);
    lane_windows_[w].edge_columns.reserve(edge_column_bound);
    if (map_.factors.c0 > workloads::kCscMaxCount + 1) lane_windows_[w].last_channel.reserve(span_bound);
  }
  step_window_.edge_columns.reserve(edge_column_bound);
  lane_window_rows_.assign(lanes_.size() * window_slots_, 0);
  for_each_borrowed_trace([](auto& mine, auto& lent) { mine = std::move(lent); });
  traces_.pe_busy_cycles.assign(arch.pes(), 0);
  traces_.pe_stall_cycles.assign(arch.pes(), 0);
  traces_.pe_macs.assign(arch.pes(), 0);
  pe_weight_wait_.assign(arch.pes(), 0);
  if (options_.verify) {
    output_ = workloads::Tensor<std::int32_t>({shape_.n, shape_.g * shape_.m, shape_.e(), shape_.f()});
  }
  sim_.reserve_events(lanes_.size() + map_.k_g + 1);
  sim_.watch<&Chip::is_idle, &Chip::describe_state>(*this);
}

void Chip::wire() {
  // The placement is fixed by the mapping: every lane's PEs, GLB banks and psum ports, and every
  // multicast's route, are worked out once, or taken from the workspace when an earlier layer was wired
  // alike (on this architecture): routing is most of a chip's set-up, and a network's depthwise and
  // pointwise layers are mostly mapped alike, each kind in every other layer.
  const WiringKey key{map_.k_red, map_.k_m, map_.k_g, map_.k_pos, map_.partials, glb_.iact_banks, glb_.psum_banks};
  std::array<Wiring, 2>& wirings = workspace_.wirings;
  const std::uint64_t use = ++workspace_.wiring_uses;
  for (Wiring& w : wirings) {
    if (!w.set || w.key != key || w.arch != arch_) continue;
    w.last_use = use;
    for_each_wiring_table(w, [](auto& mine, const auto& kept) { mine = kept; });
    noc_.restore_planned(w.routes);
    return;
  }
  dests_.assign(std::max(map_.k_m, map_.k_pos), 0);
  const std::size_t per_lane = std::size_t{map_.k_m} * map_.k_red;  // PEs of a lane in lane_pes_
  lane_pes_.resize(lanes_.size() * per_lane);
  for (std::uint32_t lane = 0; lane < lanes_.size(); ++lane) {
    const Lane& l = lanes_[lane];
    const std::span<std::uint32_t> pes = std::span(lane_pes_).subspan(lane * per_lane, per_lane);
    placement_.lane_pes(placement_.lane_slot(l.pos_i, l.g_i), pes);
    for (std::uint32_t red_i = 0; red_i < map_.k_red; ++red_i) {
      // The row's multicast from its m_i = 0 PE to the k_m PEs of this red_i.
      const std::uint32_t src = placement_.iact_multicast(pes, red_i, dests_);
      iact_routes_.push_back(noc_.plan_route(DataType::kIact, src, std::span(dests_.data(), map_.k_m)));
      iact_banks_.push_back(glb_iact_bank(src));
    }
    for (std::uint32_t m_i = 0; m_i < map_.k_m; ++m_i) {
      // The chain's psums leave through its exit PE's psum router, into that cluster's psum bank.
      const std::uint32_t chain = chain_of(l.pos_i, l.g_i, m_i);
      const std::uint32_t exit = pes[m_i * map_.k_red + map_.k_red - 1];  // the chain's exit_pe
      psum_banks_.push_back(glb_psum_bank(exit));
      psum_ports_.push_back(noc_.port_of(DataType::kPsum, exit));
      psum_chain_hops_.push_back(map_.k_red - 1 + 2 * placement_.chains().crossings(chain));
    }
  }
  for (std::uint32_t group = 0; group < map_.k_g; ++group) {
    for (std::uint32_t m_i = 0; m_i < map_.k_m; ++m_i) {
      for (std::uint32_t red_i = 0; red_i < map_.k_red; ++red_i) {
        // The PE of (pos_i, group, m_i, red_i), from the lanes' table
        for (std::uint32_t pos_i = 0; pos_i < map_.k_pos; ++pos_i)
          dests_[pos_i] = lane_pes_[(std::size_t{group} * map_.k_pos + pos_i) * per_lane + m_i * map_.k_red + red_i];
        weight_routes_.push_back(noc_.plan_route(DataType::kWeight, dests_[0], std::span(dests_.data(), map_.k_pos)));
      }
    }
  }
  Wiring& w = wirings[0].last_use <= wirings[1].last_use ? wirings[0] : wirings[1];
  w.set = true;
  w.last_use = use;
  if (w.arch != arch_) w.arch = arch_;
  w.key = key;
  for_each_wiring_table(w, [](const auto& mine, auto& kept) { kept = mine; });
  noc_.save_planned(w.routes);
}

template <class F>
void Chip::for_each_wiring_table(Wiring& kept, F&& f) {
  f(lane_pes_, kept.lane_pes);
  f(iact_routes_, kept.iact_routes);
  f(iact_banks_, kept.iact_banks);
  f(psum_banks_, kept.psum_banks);
  f(psum_ports_, kept.psum_ports);
  f(psum_chain_hops_, kept.psum_chain_hops);
  f(weight_routes_, kept.weight_routes);
}

Chip::~Chip() {
  for (Group& grp : groups_) grp.tiles.clear();  // their storage is the arena's, which ends with the chip
  for_each_borrowed([](auto& mine, auto& lent) { lent = std::move(mine); });
  for_each_borrowed_trace([](auto& mine, auto& lent) { lent = std::move(mine); });  // (empty if run() returned them)
  workspace_.noc = noc_.release();
  workspace_.dram_windows = dram_.release();
}

template <class F>
void Chip::for_each_borrowed(F&& f) {
  Workspace& w = workspace_;
  f(glb_iact_banks_, w.glb_iact_banks);
  f(glb_psum_banks_, w.glb_psum_banks);
  f(lanes_, w.lanes);
  f(rows_, w.rows);
  f(step_work_, w.step_work);
  f(step_window_, w.step_window);
  f(lane_windows_, w.lane_windows);
  f(lane_window_rows_, w.lane_window_rows);
  f(step_ends_, w.step_ends);
  f(step_arrival_, w.step_arrival);
  f(pe_weight_wait_, w.pe_weight_wait);
  f(dests_, w.dests);
  f(iact_routes_, w.iact_routes);
  f(weight_routes_, w.weight_routes);
  f(lane_pes_, w.lane_pes);
  f(iact_banks_, w.iact_banks);
  f(psum_banks_, w.psum_banks);
  f(psum_ports_, w.psum_ports);
  f(psum_chain_hops_, w.psum_chain_hops);
  f(groups_, w.groups);
}

template <class F>
void Chip::for_each_borrowed_trace(F&& f) {
  Workspace& w = workspace_;
  f(traces_.pe_busy_cycles, w.pe_busy_cycles);
  f(traces_.pe_stall_cycles, w.pe_stall_cycles);
  f(traces_.pe_macs, w.pe_macs);
}

std::uint32_t Chip::glb_iact_bank(std::uint32_t pe) const {
  // A PE's iacts come from the bank behind its row's iact router (v2: one bank per router).
  const std::uint32_t ppc = arch_.pes_per_cluster();
  if (arch_.glb.shared) return pe % glb_.iact_banks;  // the shared GLB interleaves its banks over the PEs
  const std::uint32_t row = (pe % ppc) % arch_.array.pe_rows;
  return (pe / ppc) * glb_.iact_banks + row % glb_.iact_banks;
}

std::uint32_t Chip::glb_psum_bank(std::uint32_t pe) const {
  // A column's psums go to the bank behind its psum router (v2: one bank per PE column).
  const std::uint32_t ppc = arch_.pes_per_cluster();
  if (arch_.glb.shared) return (pe / arch_.array.pe_rows) % glb_.psum_banks;  // per PE column, interleaved
  const std::uint32_t col = (pe % ppc) / arch_.array.pe_rows;
  return (pe / ppc) * glb_.psum_banks + col % glb_.psum_banks;
}

bool Chip::psums_stream(std::uint64_t values) const {
  return arch_.noc.kind == NocKind::kFlatMulticast && values > arch_.pe.psum_entries;
}

std::uint64_t Chip::psum_ready_at(std::uint64_t step_start, std::uint64_t compute_end, std::uint64_t values,
                                  std::uint32_t columns) const {
  if (!psums_stream(values) || columns == 0) return compute_end;
  return step_start + (compute_end - step_start + columns - 1) / columns;  // the first output column is done
}

std::uint64_t Chip::psum_handed_off(const Transfer& x, std::uint64_t values) const {
  return psums_stream(values) ? x.end : x.start;
}

std::string Chip::describe_state() const {
  return fmt::format("layer {}: {} of {} lane groups finished", shape_.name, groups_done_, map_.k_g);
}

std::uint32_t Chip::passes_of(std::uint32_t group) const {
  return map_.glb.blocks * passes_per_block(group);
}

std::uint32_t Chip::passes_per_block(std::uint32_t group) const {
  return ceil_div(shape_.g - group, map_.k_g) * ceil_div(map_.m_tiles, map_.k_m) * ceil_div(map_.partials, map_.k_red);
}

Chip::TilePass Chip::pass_of(std::uint32_t group, std::uint32_t pass) const {
  // Loop nest, outermost first: position block, group, m-block, reduction chunk, m-chunk of the m-block
  // (docs/model.md §4; an m-block is one m-chunk unless the input is held per reduction chunk).
  const std::uint32_t kk_passes = ceil_div(map_.partials, map_.k_red);
  const std::uint32_t mt_passes = ceil_div(map_.m_tiles, map_.k_m);
  const std::uint32_t mb = std::min(map_.glb.m_block, mt_passes);
  const std::uint32_t per_block = passes_per_block(group);
  const std::uint32_t block = pass / per_block;
  const std::uint32_t in_block = pass % per_block;
  const std::uint32_t per_group = mt_passes * kk_passes;
  const std::uint32_t g = group + (in_block / per_group) * map_.k_g;
  const std::uint32_t in_group = in_block % per_group;
  const std::uint32_t m_block = in_group / (mb * kk_passes);  // every m-block but the last is full
  const std::uint32_t size = std::min(mb, mt_passes - m_block * mb);
  const std::uint32_t in_m_block = in_group % (mb * kk_passes);
  const std::uint32_t kk = in_m_block / size;
  const std::uint32_t mt_in = in_m_block % size;
  const std::uint32_t mt = m_block * mb + mt_in;
  return TilePass{g, mt * map_.k_m, kk * map_.k_red, block, in_block == 0, pass - mt_in};
}

void Chip::start() {
  for (std::uint32_t g = 0; g < map_.k_g; ++g) sim_.schedule_at<&Chip::on_group_pass>(0, *this, g);
}

void Chip::load_weights(std::uint32_t group, std::uint64_t now) {
  Group& grp = groups_[group];
  const TilePass tp = grp.tile_pass = pass_of(group, grp.pass);
  // Resident input is fetched from the start of its block (kBlock) or of its slice's first pass (kSlice).
  if (tp.block_start || (map_.glb.iacts == IactResidency::kSlice && tp.slice == grp.pass)) grp.epoch_start = now;
  const std::uint32_t block_begin = tp.block * map_.glb.block_positions;
  const std::uint32_t block_len = std::min(map_.positions - block_begin, map_.glb.block_positions);
  const std::uint32_t c0 = map_.factors.c0, m0 = map_.factors.m0;
  for (std::uint32_t red_i = 0; red_i < map_.k_red; ++red_i) {
    const std::uint32_t kk = tp.kk_base + red_i;
    const std::uint32_t ct = kk / shape_.r;  // filter rows fastest
    const std::uint32_t r = kk % shape_.r;
    grp.reduction_slots[red_i] = ReductionSlot{kk < map_.partials, r, ct * c0, std::min(shape_.c, (ct + 1) * c0),
                                               (std::size_t{ct} * shape_.h + r) * map_.f_tiles};
  }
  for (std::uint32_t m_i = 0; m_i < map_.k_m; ++m_i) {
    const std::uint32_t mt = tp.mt_base + m_i;
    grp.output_slots[m_i] = OutputSlot{mt < map_.m_tiles, mt * m0, std::min(shape_.m, (mt + 1) * m0)};
  }
  std::uint64_t loaded = now;
  for (std::uint32_t m_i = 0; m_i < map_.k_m; ++m_i) {
    for (std::uint32_t red_i = 0; red_i < map_.k_red; ++red_i) {
      WeightTileCost& tile = grp.tiles[m_i * map_.k_red + red_i];
      const OutputSlot& out = grp.output_slots[m_i];
      const ReductionSlot& in = grp.reduction_slots[red_i];
      if (!out.used || !in.used) {
        tile.columns.clear();
        if (weights_dense_) grp.dense_tile_shapes[m_i * map_.k_red + red_i] = 0;
        continue;
      }
      // Every column of a dense tile holds `height` non-zeros: its costs are those of any tile of the same
      // shape, such as the one this slot held in the previous pass (on large arrays most of the tiles).
      bool same_dense_tile = false;
      if (weights_dense_) {
        const std::uint64_t shape = std::uint64_t{out.m_end - out.m_begin} << 32 | (in.c_end - in.c_begin);
        std::uint64_t& dense_shape = grp.dense_tile_shapes[m_i * map_.k_red + red_i];
        same_dense_tile = shape == dense_shape;
        dense_shape = shape;
      }
      if (!same_dense_tile) pe_cost_.weight_tile(tp.g, out.m_begin, out.m_end, in.c_begin, in.c_end, in.r, tile);
      // Weights stream DRAM -> weight router -> every PE of the group that uses this tile (multicast).
      const std::uint64_t bytes = (tile.bits + 7) / 8;
      // The read is issued when the previous pass's weights were delivered (the addresses are static), so
      // DRAM latency hides behind a pass unless the pass is shorter.
      const std::uint64_t in_chip = std::max(now, dram_read(now, grp.read_issue, bytes));
      stats_.stall_dram_cycles += (in_chip - now) * map_.k_pos;
      stats_.dram_weight_read_bytes += bytes;
      // One multicast per tile to the k_pos PEs (one per lane) that apply it to different positions.
      const Transfer x = noc_.multicast(weight_routes_[(group * map_.k_m + m_i) * map_.k_red + red_i], in_chip, tile.bits);
      loaded = std::max(loaded, x.arrival);
      stats_.spad_weight_writes += tile.words * map_.k_pos;
      if (arch_.glb.weight_banks > 0) {  // the JSSC chip stages filters in its own GLB banks
        const std::uint64_t accesses = (tile.bits + arch_.glb.bank_width_bits - 1) / arch_.glb.bank_width_bits;
        stats_.glb_weight_writes += accesses;
        stats_.glb_weight_reads += accesses;
      }
    }
  }
  if (options_.verify) decode_tiles(grp);
  grp.read_issue = loaded;
  // Every PE of the group waits for its tile: weight stall.
  const std::uint64_t wait = loaded - now;
  for (std::uint32_t l = 0; l < map_.k_pos; ++l) {
    Lane& lane = lanes_[grp.first_lane + l];
    const std::uint64_t lane_wait = wait + (now - std::min(now, lane.arrived_at));
    stats_.stall_weight_cycles += lane_wait * map_.k_m * map_.k_red;
    // The lane's PEs waited for their tiles: a stall for those that will work in this pass (on_lane_step).
    const std::uint32_t* pes = lane_pes_.data() + std::size_t{grp.first_lane + l} * map_.k_m * map_.k_red;
    for (std::uint32_t i = 0; i < map_.k_m * map_.k_red; ++i) pe_weight_wait_[pes[i]] = lane_wait;
    lane.next_pos = 0;
    lane.positions = block_len > lane.pos_i ? ceil_div(block_len - lane.pos_i, map_.k_pos) : 0;
    const Tick at = clock_.to_ticks(Cycles{loaded});
    if (map_.k_m == 1) {
      if (weights_dense_) {
        sim_.schedule_at<&Chip::on_lane_step<true, true>>(at, *this, grp.first_lane + l);
      } else {
        sim_.schedule_at<&Chip::on_lane_step<false, true>>(at, *this, grp.first_lane + l);
      }
    } else if (weights_dense_) {
      sim_.schedule_at<&Chip::on_lane_step<true, false>>(at, *this, grp.first_lane + l);
    } else {
      sim_.schedule_at<&Chip::on_lane_step<false, false>>(at, *this, grp.first_lane + l);
    }
  }
  last_activity_ = std::max(last_activity_, loaded);
}

void Chip::on_group_pass(std::uint64_t group) { load_weights(static_cast<std::uint32_t>(group), now_cycles()); }

template <bool kDenseWeights, bool kOneChain>
void Chip::on_lane_step(std::uint64_t lane_id) {
  Lane& lane = lanes_[lane_id];
  Group& grp = groups_[lane.g_i];
  const std::uint64_t now = now_cycles();
  if (lane.next_pos >= lane.positions) {  // pass done: wait at the weight barrier
    lane.arrived_at = now;
    if (++grp.arrived < map_.k_pos) return;
    grp.arrived = 0;
    if (++grp.pass < passes_of(lane.g_i)) {
      load_weights(lane.g_i, now);
    } else {
      ++groups_done_;
    }
    return;
  }
  const TilePass& tp = grp.tile_pass;
  const std::uint32_t pos = tp.block * map_.glb.block_positions + lane.pos_i + lane.next_pos * map_.k_pos;
  ++lane.next_pos;
  const std::uint32_t row_of_pos = pos / map_.f_tiles;  // (n, e): two divisions, the remainders multiply back
  const std::uint32_t ft = pos - row_of_pos * map_.f_tiles;
  const std::uint32_t n = row_of_pos / out_rows_;
  const std::uint32_t e = row_of_pos - n * out_rows_;
  const std::uint32_t f0 = map_.factors.f0;
  const std::uint32_t f_begin = ft * f0, f_end = std::min(out_cols_, f_begin + f0);
  const std::uint32_t pipeline = arch_.pe.pipeline_stages - 1;

  // Iacts: one multicast per distinct input row (per red_i) to the k_m PEs that share it.
  std::uint64_t step_start = now;
  std::vector<std::uint64_t>& arrival = step_arrival_;
  std::vector<PeWork>& work = step_work_;
  std::vector<std::uint64_t>& ends = step_ends_;
  // kOneChain: a constant k_m = 1 (depthwise layers, whose lanes are single psum chains) lets the compiler
  // drop the loops over output slots from the hot path of those layers' many short steps.
  const std::uint32_t k_red = map_.k_red, k_m = kOneChain ? 1 : map_.k_m;
  WorkItem item{tp.g, n, 0, 0, 0, 0, 0, e, f_begin, f_end};
  // rows_ index of input row h = e*U + r - pad: this base plus the slot's row_key_offset (the sum wraps
  // back for e*U < pad; a padding row's key is never used).
  const std::size_t row_key_base =
      ((std::size_t{n} * shape_.g + tp.g) * map_.c_tiles * shape_.h + (std::size_t{e} * shape_.u - shape_.pad)) * map_.f_tiles + ft;
  // Lanes of a group at the same step share input rows (below): with one lane per group there is no other.
  const bool rows_shared = map_.k_pos > 1;
  // Resident input is held for this block (kBlock) or this weight pass (kSlice); halo rows are read again.
  const std::uint32_t residency_epoch = 1 + (map_.glb.iacts == IactResidency::kBlock ? tp.block : tp.slice);
  // Per PE: the traces of its work. Per step: the counters, summed here and added once.
  const std::uint32_t* pes = lane_pes_.data() + std::size_t{lane_id} * k_m * k_red;
  std::uint64_t busy_items = 0, macs = 0, slots = 0, skipped = 0, iact_reads = 0, weight_words = 0, segment_cycles = 0;
  for (std::uint32_t red_i = 0; red_i < k_red; ++red_i) {
    arrival[red_i] = now;
    const ReductionSlot& slot = grp.reduction_slots[red_i];
    if (!slot.used) {
      for (std::uint32_t m_i = 0; m_i < k_m; ++m_i) work[m_i * k_red + red_i] = PeWork{};
      continue;
    }
    std::uint64_t bits = 0;
    bool any = false, verify_row_ready = false;
    item.c_begin = slot.c_begin;
    item.c_end = slot.c_end;
    item.r = slot.r;
    const std::uint32_t h = e * shape_.u + slot.r - shape_.pad;  // wraps for a padding row
    const bool padding = e * shape_.u + slot.r < shape_.pad || h >= shape_.h;
    const std::size_t row_key = row_key_base + slot.row_key_offset;
    const IactWindow* window = nullptr;
    // Dense weights (kDenseWeights): a tile's costs depend only on its height, so the lane's PEs whose tiles
    // have the height of the previous one do the same work on this window (every m-tile of a layer but the
    // last): it is computed once.
    [[maybe_unused]] WorkItemCost dense_cost;
    [[maybe_unused]] std::uint32_t dense_cost_height = 0;  // the height dense_cost was computed for (0: none)
    for (std::uint32_t m_i = 0; m_i < k_m; ++m_i) {
      const OutputSlot& out = grp.output_slots[m_i];
      if (!out.used) {
        work[m_i * k_red + red_i] = PeWork{};
        continue;
      }
      item.m_begin = out.m_begin;
      item.m_end = out.m_end;
      if (window == nullptr) window = &row_window(lane_id, item, row_key, padding);
      WorkItemCost c;  // (a local: only its cycles outlive this iteration)
      if constexpr (kDenseWeights) {
        if (out.m_end - out.m_begin != dense_cost_height) {
          pe_cost_.work_item(item, *window, grp.tiles[m_i * k_red + red_i], dense_cost);
          dense_cost_height = out.m_end - out.m_begin;
        }
        c = dense_cost;
      } else {
        pe_cost_.work_item(item, *window, grp.tiles[m_i * k_red + red_i], c);
      }
      work[m_i * k_red + red_i] = PeWork{c.cycles, !c.empty};
      if (c.empty) continue;
      any = true;
      bits = c.iact_bits;
      const std::uint32_t pe = pes[m_i * k_red + red_i];
      traces_.pe_busy_cycles[pe] += c.cycles;
      traces_.pe_macs[pe] += c.macs_effectual;
      ++busy_items;
      macs += c.macs_effectual;
      slots += c.mac_slots;
      skipped += c.zero_iacts_skipped;
      iact_reads += c.nonzero_iacts;
      weight_words += c.weight_words;
      segment_cycles += c.segment_cycles;
      if (options_.verify) {
        if (!verify_row_ready) {
          decode_row(item);
          verify_row_ready = true;
          // The timing moved the row segment as this many CSC entries (PeCostModel::iact_window).
          EYESIM_CHECK(arch_.pe.kind != PeKind::kSparse || verify_csc_.entries.size() == window->nnz + window->zero_entries,
                       "input row segment encodes into {} CSC entries, the timing counted {}",
                       verify_csc_.entries.size(), window->nnz + window->zero_entries);
        }
        compute_values(item, verify_row_, window->nnz, grp.verify_tiles[m_i * k_red + red_i]);
      }
    }
    if (!any || bits == 0) continue;
    // Row-stationary sharing (V1 §V, the (r, e) diagonal): lanes of a group at the same step of a weight
    // pass that need the same input row (h = e*U + r) receive it from one multicast.
    RowState& row = rows_[row_key];
    if (rows_shared && row.sent_pass == grp.pass + 1 && row.sent_step == lane.next_pos) {
      arrival[red_i] = std::max(now, row.arrival);
      step_start = std::max(step_start, std::max(now, row.first_word));
      noc_.count_last_hops(iact_routes_[lane_id * k_red + red_i], bits);  // into this lane's PEs' clusters
      stats_.spad_iact_writes += (bits / arch_.pe.iact_data_bits) * k_m;
      continue;
    }
    std::uint64_t ready = now;
    const std::uint64_t bytes = (bits + 7) / 8;
    const std::uint64_t accesses = (bits + arch_.glb.bank_width_bits - 1) / arch_.glb.bank_width_bits;
    bool from_dram = !iacts_resident_;
    if (iacts_resident_) {
      if (row.loaded != residency_epoch) {
        row.loaded = residency_epoch;
        from_dram = true;
        stats_.glb_iact_writes += accesses;
      }
    }
    if (from_dram) {
      const std::uint64_t dram_bytes = arch_.dram.fmap_rlc ? std::min(bytes, rlc_bytes(bits / iact_entry_bits_, window->nnz)) : bytes;
      // Resident input is prefetched into the GLB in first-use order from the start of its block or pass
      // (DRAM -> GLB is decoupled from the PEs); input that does not fit streams on demand.
      const std::uint64_t arrived = dram_read(now, iacts_resident_ ? grp.epoch_start : now, dram_bytes);
      const std::uint64_t in_chip = std::max(now, arrived);
      stats_.stall_dram_cycles += (in_chip - now) * k_m;
      ready = in_chip;
      stats_.dram_iact_read_bytes += dram_bytes;
      if (iacts_resident_) {
        // The row is written into the bank through its one port (V2 §II: the port reads or writes the
        // bank or the off-chip I/O), in the cycles the bank's readers leave idle from its arrival on;
        // it is read once written.
        const std::uint64_t written = glb_iact_banks_[iact_banks_[lane_id * k_red + red_i]].background(arrived, accesses);
        ready = std::max(in_chip, written);
        stats_.stall_noc_cycles += (ready - in_chip) * k_m;
      }
    }
    if (iacts_resident_) {  // read from the GLB bank: one access per cycle, shared with other readers
      stats_.glb_iact_reads += accesses;
      const std::uint64_t bank_start = glb_iact_banks_[iact_banks_[lane_id * k_red + red_i]].reserve(ready, accesses);
      stats_.stall_noc_cycles += (bank_start - ready) * k_m;
      ready = bank_start;
    }
    // One multicast per input row to the k_m PEs (of this lane and reduction slot) that share it.
    const Transfer x = noc_.multicast(iact_routes_[lane_id * k_red + red_i], ready, bits);
    arrival[red_i] = x.arrival;
    // PEs stream the row as it arrives: they can start after the first word and cannot finish before the last.
    step_start = std::max(step_start, x.first_word);
    if (rows_shared) {
      row.sent_pass = grp.pass + 1;
      row.sent_step = lane.next_pos;
      row.arrival = x.arrival;
      row.first_word = x.first_word;
    }
    stats_.spad_iact_writes += (bits / arch_.pe.iact_data_bits) * k_m;
  }
  stats_.stall_iact_cycles += (step_start - now) * k_m * k_red;

  // Compute: the lane advances together (handshake), so it ends with its slowest PE.
  std::uint64_t compute_end = step_start;
  for (std::uint32_t m_i = 0, i = 0; m_i < k_m; ++m_i) {
    for (std::uint32_t red_i = 0; red_i < k_red; ++red_i, ++i) {
      ends[i] = work[i].busy ? std::max(step_start + work[i].cycles, arrival[red_i] + pipeline) : step_start;
      compute_end = std::max(compute_end, ends[i]);
    }
  }
  // The lane's wait for its slowest PE (the work's traces and counters were taken with the costs).
  std::uint64_t stalled = 0;
  for (std::uint32_t i = 0; i < k_m * k_red; ++i) stalled += compute_end - ends[i];
  stats_.stall_noc_cycles += stalled;
  stats_.macs_effectual += macs;
  stats_.macs_issued += slots;
  stats_.zero_iacts_skipped += skipped;
  stats_.zero_iact_pe_cycles += segment_cycles;  // sparse PE: data-gated cycles on empty iact segments
  stats_.spad_iact_data_reads += iact_reads;
  stats_.spad_weight_data_reads += weight_words;
  stats_.spad_psum_reads += slots;
  stats_.spad_psum_writes += slots;
  if (arch_.pe.kind == PeKind::kSparse) {
    stats_.spad_iact_addr_reads += busy_items * (f_end - f_begin);
    stats_.spad_weight_addr_reads += 2 * iact_reads;
  }

  // Psums: up each m_i chain, then out through the chain's psum router to the GLB (or DRAM when final).
  std::uint64_t next = compute_end;
  const bool first_chunk = tp.kk_base == 0;
  const bool last_chunk = tp.kk_base + k_red >= map_.partials;
  for (std::uint32_t m_i = 0; m_i < k_m; ++m_i) {
    // A used slot whose chain had no work this step (its filter rows all padding, or no non-zero to meet)
    // still moves its partial sums: in from the bank, out to it or, at the last chunk, to DRAM (they were
    // left out, and so was a layer's last output row when its last chunk read only padding).
    const OutputSlot& out = grp.output_slots[m_i];
    if (!out.used) continue;
    const std::uint64_t values = std::uint64_t{out.m_end - out.m_begin} * (f_end - f_begin);
    const std::uint64_t bits = values * arch_.precision.psum_bits;
    const std::uint64_t accesses = (bits + arch_.glb.bank_width_bits - 1) / arch_.glb.bank_width_bits;
    std::uint64_t psum_ready = psum_ready_at(step_start, compute_end, values, f_end - f_begin);
    // The GLB psum bank: read the earlier passes' partial sums (unless first), write the new ones (unless final).
    GlbBank& bank = glb_psum_banks_[psum_banks_[lane_id * k_m + m_i]];
    const std::uint64_t bank_ops = (first_chunk ? 0 : accesses) + (last_chunk ? 0 : accesses);
    const std::uint64_t spill_bytes = (bits + 7) / 8;
    if (psums_spill_ && !first_chunk) {
      // Spilled psums come back from DRAM (read issued as the step starts: the addresses are static) and
      // are written into the bank in the cycles its read-modify-writes leave idle, before they are read.
      stats_.glb_psum_writes += accesses;
      psum_ready = std::max(psum_ready, bank.background(dram_read(now, now, spill_bytes), accesses));
    }
    if (bank_ops > 0) psum_ready = bank.reserve(psum_ready, bank_ops);
    if (psums_spill_ && !last_chunk) {
      // ... and the new ones leave for DRAM: read out of the bank in its idle cycles after the write.
      stats_.glb_psum_reads += accesses;
      const std::uint64_t read_out = bank.background(psum_ready + bank_ops, accesses);
      dram_.post(read_out, spill_bytes);  // booked when the chip reaches read_out (Dram::post)
    }
    const Transfer x = noc_.send(DataType::kPsum, psum_ports_[lane_id * k_m + m_i], psum_ready, bits, 1);
    // On their way the psums crossed the chain's links below its exit (V2 §III-C.3, V1's local psum links).
    noc_.count_delivery(DataType::kPsum, bits * psum_chain_hops_[lane_id * k_m + m_i]);
    next = std::max(next, psum_handed_off(x, values));
    if (last_chunk) {
      // Raw outputs pack into bytes across writes: narrower than a byte, a write's last bits share a byte
      // with the next write's (rounding each write up took 4-bit outputs to up to 2x their bytes). Coded,
      // a write takes the smaller of its code and that.
      const std::uint64_t before = oact_raw_bits_;
      oact_raw_bits_ += values * arch_.precision.oact_bits;
      std::uint64_t out_bytes = (oact_raw_bits_ + 7) / 8 - (before + 7) / 8;
      if (arch_.dram.fmap_rlc && oact_density_) {
        if (values != oact_memo_values_) {  // (the same for every step but a layer's last f- and m-tiles)
          oact_memo_values_ = values;
          oact_memo_bytes_ = oact_write_bytes(arch_.dram, values, arch_.precision.oact_bits, oact_density_);
        }
        out_bytes = std::min(out_bytes, oact_memo_bytes_);
      }
      stats_.dram_oact_write_bytes += out_bytes;
      dram_.post(x.end, out_bytes);  // issued as the psums leave: booked when the chip reaches x.end (Dram::post)
    } else {
      stats_.glb_psum_writes += accesses;
      if (psums_spill_) stats_.dram_psum_write_bytes += spill_bytes;
    }
    if (!first_chunk) {
      stats_.glb_psum_reads += accesses;
      if (psums_spill_) stats_.dram_psum_read_bytes += spill_bytes;
    }
    last_activity_ = std::max(last_activity_, x.end);
  }
  stats_.stall_psum_cycles += (next - compute_end) * k_m * k_red;
  // Per PE with work in this step, the stall trace: the whole step but its work (waiting for the rows, for
  // the lane's slowest PE, for the psums to leave), so that busy + stall + idle = cycles with idle the
  // time a PE has no work; a PE whose item is empty this step (its rows all padding) is idle in it. (The
  // trace counted the wait for the slowest PE only, and that also for PEs without work; helper-55.)
  for (std::uint32_t i = 0; i < k_m * k_red; ++i) {
    if (!work[i].busy) continue;
    std::uint64_t& weight_wait = pe_weight_wait_[pes[i]];  // the pass's weight wait, at its first work
    traces_.pe_stall_cycles[pes[i]] += (next - now) - work[i].cycles + weight_wait;
    weight_wait = 0;
  }
  last_activity_ = std::max(last_activity_, next);
  sim_.schedule_at<&Chip::on_lane_step<kDenseWeights, kOneChain>>(clock_.to_ticks(Cycles{next}), *this, lane_id);
}

const IactWindow& Chip::row_window(std::uint32_t lane_id, const WorkItem& item, std::size_t row_key, bool padding) {
  if (padding) {  // nothing to classify
    pe_cost_.iact_window(item, step_window_);
    return step_window_;
  }
  // The lane's last windows, one per slot row_key mod window_slots_ (k_red rounded up to a power of two):
  // a lane's consecutive steps read rows h = e*U + r - pad that overlap (a 3 x 3 filter at stride 1
  // reads each row in 3 steps), and the k_red rows of one step are consecutive, so they take different slots.
  const std::size_t slot = std::size_t{lane_id} * window_slots_ + (row_key & (window_slots_ - 1));
  IactWindow& window = lane_windows_[slot];
  if (lane_window_rows_[slot] != row_key + 1) {
    pe_cost_.iact_window(item, window);
    lane_window_rows_[slot] = row_key + 1;
  }
  return window;
}

void Chip::decode_row(const WorkItem& it) {
  // What the PEs receive: the input row segment, CSC-encoded and decoded again.
  const auto& l = shape_;
  const std::int64_t h = std::int64_t{it.e} * l.u + it.r - l.pad;
  const std::int64_t w_lo = std::max<std::int64_t>(0, std::int64_t{it.f_begin} * l.u - l.pad);
  const std::int64_t w_hi = std::min<std::int64_t>(l.w, std::int64_t{it.f_end - 1} * l.u + l.s - l.pad);
  verify_row_.clear();
  verify_row_transposed_ = false;
  if (w_hi <= w_lo) return;
  const std::uint32_t c0 = it.c_end - it.c_begin;
  verify_row_.resize(static_cast<std::size_t>(w_hi - w_lo) * c0);
  // iacts [N][G*C][H][W]: channel c's row h at ((n * G*C + g*C + c) * H + h) * W.
  for (std::uint32_t c = it.c_begin; c < it.c_end; ++c) {
    const std::int8_t* row =
        layer_.iacts.data() + ((std::size_t{it.n} * l.g * l.c + std::size_t{it.g} * l.c + c) * l.h + std::size_t(h)) * l.w;
    for (std::int64_t w = w_lo; w < w_hi; ++w) verify_row_[static_cast<std::size_t>(w - w_lo) * c0 + (c - it.c_begin)] = row[w];
  }
  workloads::encode_csc(verify_row_, c0, verify_csc_);
  workloads::decode_csc(verify_csc_, verify_row_.size(), c0, verify_row_);
}

void Chip::decode_tiles(Group& grp) {
  // Reduction slot outer, output slot inner: the used output slots of a pass are consecutive ranges of
  // output channels (m-tiles mt_base, mt_base + 1, ..., the unused ones after them), so a column's
  // position after one tile is its position at the start of the next.
  for (std::uint32_t red_i = 0; red_i < map_.k_red; ++red_i) {
    const ReductionSlot& in = grp.reduction_slots[red_i];
    if (!in.used || !grp.output_slots[0].used) continue;
    std::uint32_t next_m = grp.output_slots[0].m_begin;
    if (const auto& index = layer_.index; !index.weights_dense()) {  // each column's walk starts with a search
      verify_positions_.resize(std::size_t{in.c_end - in.c_begin} * shape_.s);
      std::size_t k = 0;
      for (std::uint32_t c = in.c_begin; c < in.c_end; ++c)
        for (std::uint32_t s = 0; s < shape_.s; ++s)
          verify_positions_[k++] = index.weight_position(index.weight_column(grp.tile_pass.g, c, in.r, s), next_m);
    }
    for (std::uint32_t m_i = 0; m_i < map_.k_m; ++m_i) {
      const OutputSlot& out = grp.output_slots[m_i];
      if (!out.used) break;
      EYESIM_CHECK(out.m_begin == next_m, "output slot {} starts at channel {}, not {}", m_i, out.m_begin, next_m);
      decode_tile(grp.tile_pass.g, out.m_begin, out.m_end, in.c_begin, in.c_end, in.r, verify_positions_,
                  grp.verify_tiles[m_i * map_.k_red + red_i]);
      // The timing moved and stored the tile as this many CSC entries (PeCostModel::weight_tile).
      const std::uint64_t timed = grp.tiles[m_i * map_.k_red + red_i].entries;
      EYESIM_CHECK(arch_.pe.kind != PeKind::kSparse || verify_csc_.entries.size() == timed,
                   "weight tile of channels [{}, {}) encodes into {} CSC entries, the timing counted {}", out.m_begin,
                   out.m_end, verify_csc_.entries.size(), timed);
      next_m = out.m_end;
    }
  }
}

void Chip::decode_tile(std::uint32_t g, std::uint32_t m_begin, std::uint32_t m_end, std::uint32_t c_begin,
                       std::uint32_t c_end, std::uint32_t r, std::span<std::size_t> positions, VerifyTile& out) {
  // What the PE's weight SPad holds: the tile, CSC-encoded and decoded again. Segments (columns of m0
  // output channels) in (c, s) order.
  const std::uint32_t c0 = c_end - c_begin, m0 = m_end - m_begin, S = shape_.s;
  const auto& index = layer_.index;
  if (index.weights_dense()) {
    // weights [G][M][C][R][S]: for one (g, m), the tile's (c, s) at ((m's base + c) * R + r) * S + s.
    const std::uint32_t C = shape_.c, R = shape_.r;
    std::vector<std::int8_t>& dense = out.dense;
    dense.assign(std::size_t{c0} * S * m0, 0);
    for (std::uint32_t m = m_begin; m < m_end; ++m) {
      const std::int8_t* src = layer_.weights.data() + ((std::size_t{g} * shape_.m + m) * C * R + r) * S;
      for (std::uint32_t c = c_begin; c < c_end; ++c)
        for (std::uint32_t s = 0; s < S; ++s) dense[((c - c_begin) * S + s) * m0 + (m - m_begin)] = src[std::size_t{c} * R * S + s];
    }
    workloads::encode_csc(dense, m0, verify_csc_);
  } else {
    // Sparse weights: encoded from the non-zero index (each column's ascending m and values), O(non-zeros)
    // rather than O(m0 x c0 x S); an error in the index shows as a mismatch with the reference convolution.
    workloads::start_csc(verify_csc_);
    std::size_t* position = positions.data();
    for (std::uint32_t c = c_begin; c < c_end; ++c)
      for (std::uint32_t s = 0; s < S; ++s, ++position) {
        const std::uint32_t k = index.weight_column(g, c, r, s);
        const auto ms = index.weight_ms(k);
        const auto values = index.weight_values(k);
        std::uint32_t next = m_begin;  // the channel after the previous non-zero
        std::size_t i = *position;
        for (; i < ms.size() && ms[i] < m_end; ++i) {
          workloads::append_csc_nonzero(verify_csc_, ms[i] - next, values[i]);
          next = ms[i] + 1u;
        }
        *position = i;
        workloads::end_csc_segment(verify_csc_);
      }
  }
  const std::size_t columns = std::size_t{c0} * S;
  if (index.weights_dense()) {
    workloads::decode_csc(verify_csc_, columns * m0, m0, out.dense);
  } else {
    // Sparse weights: one pass over the entries decodes the tile both ways, as the SPad image (decode_csc's
    // result) and as each column's non-zeros (what the sparse PE walks). The lists are sized for every
    // entry (the zero-valued ones, which carry long runs of zeros, are dropped), then cut to the non-zeros:
    // written through pointers, each store is not taken to change the vectors' sizes.
    out.dense.assign(columns * m0, 0);
    out.column_start.resize(columns + 1);
    out.nz_m.resize(verify_csc_.entries.size());
    out.nz_value.resize(verify_csc_.entries.size());
    std::int8_t* dense = out.dense.data();
    std::uint16_t* nz_m = out.nz_m.data();
    std::int8_t* nz_value = out.nz_value.data();
    std::uint32_t nz = 0;
    out.column_start[0] = 0;
    for (std::size_t k = 0; k < columns; ++k) {
      std::uint32_t pos = 0;
      for (std::uint32_t e = verify_csc_.address[k]; e < verify_csc_.address[k + 1]; ++e) {
        const workloads::CscEntry entry = verify_csc_.entries[e];
        pos += entry.zero_count;
        EYESIM_CHECK(pos < m0, "CSC entry beyond the tile's {} output channels", m0);
        if (entry.value != 0) {
          dense[k * m0 + pos] = entry.value;
          nz_m[nz] = static_cast<std::uint16_t>(pos);
          nz_value[nz] = entry.value;
          ++nz;
        }
        ++pos;
      }
      out.column_start[k + 1] = nz;
    }
    out.nz_m.resize(nz);
    out.nz_value.resize(nz);
  }
  if (S == 1 && shape_.u == 1) out.dense16.assign(out.dense.begin(), out.dense.end());
  if (reversed_filter_rows()) {
    out.reversed.resize(out.dense.size());
    for (std::size_t c = 0; c < c0; ++c)
      for (std::size_t s = 0; s < S; ++s)
        std::copy_n(out.dense.data() + (c * S + s) * m0, m0, out.reversed.data() + (c * S + S - 1 - s) * m0);
  }
}

void Chip::compute_values(const WorkItem& it, std::span<const std::int8_t> iacts, std::uint64_t iact_nnz,
                          const VerifyTile& tile) {
  if (iacts.empty()) return;
  const auto& l = shape_;
  const std::int64_t w_lo = std::max<std::int64_t>(0, std::int64_t{it.f_begin} * l.u - l.pad);
  const std::int64_t w_hi = std::min<std::int64_t>(l.w, std::int64_t{it.f_end - 1} * l.u + l.s - l.pad);
  const std::uint32_t c0 = it.c_end - it.c_begin, m0 = it.m_end - it.m_begin, fw = it.f_end - it.f_begin;
  const std::uint32_t S = l.s;
  const std::size_t span = static_cast<std::size_t>(w_hi - w_lo);
  // The PE's psum SPad for this work item, summed modulo 2^32, then added to the accumulators.
  // Psums wrap modulo 2^psum_bits (<= 32), so summing modulo 2^32 and wrapping once per work item equals
  // wrapping after every MAC.
  verify_acc_.assign(std::size_t{fw} * m0, 0);
  const std::int64_t U = l.u;
  // |a x w| <= 2^14: a product is exact in 16 bits (one vector multiply on any x86-64). The operands are
  // int8 values; loops whose operands are stored as int16 vectorise by 8 elements, not 16 (below).
  const auto product = [](std::int16_t a, std::int16_t w) {
    return static_cast<std::uint32_t>(static_cast<std::int32_t>(static_cast<std::int16_t>(a * w)));
  };
  // Two loop orders, the same sums: along m for each non-zero iact (zero iacts skipped), or along f for
  // each weight (vectorised over the output row, zero iacts multiplied). Dense weights: along f for long
  // output rows at stride 1. Sparse weights (only their non-zeros visited): whichever order costs less
  // for this item, from its non-zero counts (a scalar step per (iact, filter column) and per MAC along m;
  // the row's transposition, a step per weight and a vector of 8 MACs along f).
  bool along_f = false, list_m = false;
  const bool sparse = !layer_.index.weights_dense();
  if (!sparse) {
    along_f = U == 1 && fw >= 8;
  } else {
    const double weights = static_cast<double>(tile.nz_m.size());
    const double per_column = weights / double(std::size_t{c0} * S);
    list_m = 1.5 * per_column < m0 / 4.0;  // along m: the column's non-zeros, or a vector over all m0
    const double taps = double(iact_nnz) * double((S + U - 1) / U);
    const double cost_m = taps * (2.0 + (list_m ? 1.5 * per_column : m0 / 4.0));
    const double cost_f = double(span) * c0 + 2.0 * double(std::size_t{c0} * S) + weights * (2.0 + double(fw) / 8.0);
    along_f = cost_f < cost_m;
  }
  if (along_f) {
    // The row as [c][phase p = w mod U][w / U] (zero-filled past its end): the iacts a filter column
    // meets along an output row are then contiguous; acc as [m][f].
    // Built once per decoded row: the k_m work items of a step read the same row.
    const std::size_t len = (span + std::size_t(U) - 1) / std::size_t(U);
    if (!verify_row_transposed_) {
      verify_row_t_.assign(std::size_t{c0} * std::size_t(U) * len, 0);
      for (std::uint32_t c = 0; c < c0; ++c)
        for (std::size_t p = 0; p < std::size_t(U); ++p) {
          std::int16_t* phase = verify_row_t_.data() + (c * std::size_t(U) + p) * len;
          for (std::size_t w = p, k = 0; w < span; w += std::size_t(U), ++k) phase[k] = iacts[w * c0 + c];
        }
      verify_row_transposed_ = true;
    }
    for (std::uint32_t c = 0; c < c0; ++c) {
      for (std::uint32_t s = 0; s < S; ++s) {
        // Output column f reads row position f*U + d, d = s - pad - w_lo: phase p, index f + q.
        const std::int64_t d = std::int64_t{s} - l.pad - w_lo;
        const std::int64_t q = d >= 0 ? d / U : -((-d + U - 1) / U), p = d - q * U;
        const std::int64_t phase_len = static_cast<std::int64_t>(span) > p ? (static_cast<std::int64_t>(span) - p + U - 1) / U : 0;
        const std::int64_t f_lo = std::max<std::int64_t>(it.f_begin, -q);
        const std::int64_t f_hi = std::min<std::int64_t>(it.f_end, phase_len - q);
        if (f_lo >= f_hi) continue;
        const std::int16_t* row = verify_row_t_.data() + (c * std::size_t(U) + std::size_t(p)) * len;
        const std::int64_t first = f_lo + q;  // row index of f_lo
        const std::int64_t count = f_hi - f_lo;
        // (The row is 16-bit: gcc vectorises a loop over int8 by 16 elements, and output rows are often
        // 7-14 long.)
        const auto column = [&](std::uint32_t m, std::int16_t wv) {
          std::uint32_t* acc = verify_acc_.data() + std::size_t{m} * fw + static_cast<std::size_t>(f_lo - it.f_begin);
          const std::int16_t* x = row + first;
          for (std::int64_t f = 0; f < count; ++f) acc[f] += product(wv, x[f]);
        };
        if (sparse) {
          const std::size_t k = std::size_t{c} * S + s;
          for (std::uint32_t i = tile.column_start[k]; i < tile.column_start[k + 1]; ++i) column(tile.nz_m[i], tile.nz_value[i]);
        } else {
          const std::int8_t* wcol = tile.dense.data() + (std::size_t{c} * S + s) * m0;
          for (std::uint32_t m = 0; m < m0; ++m)
            if (wcol[m] != 0) column(m, wcol[m]);
        }
      }
    }
  } else if (!list_m && reversed_filter_rows()) {
    // Along m at stride 1: an iact at w meets filter column s at output column f = w + pad - s. With the
    // filter row reversed (j = S-1-s), f = f0 + j for f0 = w + pad - (S-1): its psums (f, m) and the
    // weights (j, m) are then both contiguous in j*m0 + m, one loop over all its taps.
    for (std::int64_t w = w_lo; w < w_hi; ++w) {
      const std::int64_t f0 = w + l.pad - (std::int64_t{S} - 1);
      const std::int64_t j_lo = std::max<std::int64_t>(0, it.f_begin - f0);
      const std::int64_t j_hi = std::min<std::int64_t>(S, it.f_end - f0);
      if (j_lo >= j_hi) continue;
      std::uint32_t* acc = verify_acc_.data() + static_cast<std::size_t>(f0 + j_lo - it.f_begin) * m0;
      const std::size_t n = static_cast<std::size_t>(j_hi - j_lo) * m0;
      for (std::uint32_t c = 0; c < c0; ++c) {
        const std::int8_t a = iacts[static_cast<std::size_t>(w - w_lo) * c0 + c];
        if (a == 0) continue;
        const std::int8_t* wts = tile.reversed.data() + (std::size_t{c} * S + static_cast<std::size_t>(j_lo)) * m0;
        for (std::size_t i = 0; i < n; ++i) acc[i] += product(a, wts[i]);
      }
    }
  } else if (S == 1 && U == 1 && !list_m) {
    // A 1-wide filter at stride 1 (pointwise layers): the iact at w meets the one filter column at output
    // column f = w + pad. The general loop below finds that one tap per iact at a cost that, with M0 of 8,
    // is as much as the MACs.
    const std::int64_t w_first = std::max<std::int64_t>(w_lo, std::int64_t{it.f_begin} - l.pad);
    const std::int64_t w_last = std::min<std::int64_t>(w_hi, std::int64_t{it.f_end} - l.pad);
    // The weights as 16-bit values (decode_tile): gcc vectorises a loop over int8 by 16 elements, so with
    // the M0 of 8-16 these layers get, the int8 loop ran scalar.
    for (std::int64_t w = w_first; w < w_last; ++w) {
      std::uint32_t* acc = verify_acc_.data() + static_cast<std::size_t>(w + l.pad - it.f_begin) * m0;
      const std::int8_t* column = iacts.data() + static_cast<std::size_t>(w - w_lo) * c0;
      for (std::uint32_t c = 0; c < c0; ++c) {
        const std::int16_t a = column[c];
        if (a == 0) continue;
        const std::int16_t* wcol = tile.dense16.data() + std::size_t{c} * m0;
        for (std::uint32_t m = 0; m < m0; ++m) acc[m] += product(a, wcol[m]);
      }
    }
  } else {
    // The filter columns an iact at w meets: s = (w + pad) mod U, + U, ..., output column f = (w + pad - s) / U,
    // those with f in [f_begin, f_end). (s_first, f_first) follow w without a division.
    std::int64_t s_first = (w_lo + l.pad) % U, f_first = (w_lo + l.pad) / U;
    for (std::int64_t w = w_lo; w < w_hi; ++w) {
      const std::int64_t s_w = s_first, f_w = f_first;
      if (++s_first == U) {
        s_first = 0;
        ++f_first;
      }
      if (f_w < it.f_begin) continue;
      const std::int64_t f_top = std::min<std::int64_t>(f_w, it.f_end - 1);
      const std::int64_t s_top = s_w + (f_w - f_top) * U;
      for (std::uint32_t c = 0; c < c0; ++c) {
        const std::int8_t a = iacts[static_cast<std::size_t>(w - w_lo) * c0 + c];
        if (a == 0) continue;
        for (std::int64_t s = s_top, f = f_top; s < S && f >= it.f_begin; s += U, --f) {
          std::uint32_t* acc = verify_acc_.data() + static_cast<std::size_t>(f - it.f_begin) * m0;
          const std::size_t k = std::size_t{c} * S + std::size_t(s);
          if (list_m) {
            for (std::uint32_t i = tile.column_start[k]; i < tile.column_start[k + 1]; ++i) acc[tile.nz_m[i]] += product(a, tile.nz_value[i]);
          } else {
            const std::int8_t* wcol = tile.dense.data() + k * m0;
            for (std::uint32_t m = 0; m < m0; ++m) acc[m] += product(a, wcol[m]);
          }
        }
      }
    }
  }
  // Output (n, g*M + m, e, f) at ((n * G*M + channel) * E + e) * F + f.
  // wrap_psum(o + sum) in 32 bits (psum_bits <= 32); o is already wrapped, so a zero sum leaves it.
  const unsigned bits = arch_.precision.psum_bits;
  const std::uint32_t mask = bits >= 32 ? ~0u : (1u << bits) - 1, sign = 1u << (bits - 1);
  const auto add = [mask, sign](std::int32_t& o, std::uint32_t sum) {
    o = static_cast<std::int32_t>((((static_cast<std::uint32_t>(o) + sum) & mask) ^ sign) - sign);
  };
  const std::size_t E = l.e(), F = l.f();
  std::int32_t* out = output_.data() + ((std::size_t{it.n} * l.g * l.m + std::size_t{it.g} * l.m + it.m_begin) * E + it.e) * F;
  const std::uint32_t* sums = verify_acc_.data();  // modulo 2^32
  if (along_f) {  // [m][f]: an output row of a channel at a time
    for (std::uint32_t m = 0; m < m0; ++m, sums += fw) {
      std::int32_t* o = out + m * E * F + it.f_begin;
      for (std::uint32_t f = 0; f < fw; ++f) add(o[f], sums[f]);
    }
  } else {  // [f][m]: an output column at a time, its m0 channels E x F apart
    for (std::uint32_t f = 0; f < fw; ++f, sums += m0) {
      std::int32_t* o = out + it.f_begin + f;
      for (std::uint32_t m = 0; m < m0; ++m) add(o[m * E * F], sums[m]);
    }
  }
}

LayerResult Chip::run() {
  start();
  const RunStatus status = sim_.run();
  if (status == RunStatus::kDeadlocked) {
    const auto busy = sim_.describe_busy_components();
    EYESIM_CHECK(false, "layer {} deadlocked: {}", shape_.name, busy.empty() ? std::string("?") : busy.front());
  }
  LayerResult result;
  result.layer_name = shape_.name;
  result.kind = shape_.kind;
  result.mapping = map_.factors;
  stats_.cycles = std::max({now_cycles(), last_activity_, dram_.drain(), dram_.busy_until()});
  stats_.seconds = static_cast<double>(stats_.cycles) / (arch_.clock_mhz * 1e6);
  stats_.macs_nominal = shape_.macs();
  stats_.active_pes = map_.active_pes();
  stats_.mac_utilization = stats_.cycles == 0 ? 0.0
                                              : static_cast<double>(stats_.macs_effectual) /
                                                    (static_cast<double>(stats_.cycles) * arch_.pes() * arch_.pe.simd_width);
  stats_.noc_iact_transfers = noc_.transfers(DataType::kIact);
  stats_.noc_weight_transfers = noc_.transfers(DataType::kWeight);
  stats_.noc_psum_transfers = noc_.transfers(DataType::kPsum);
  stats_.noc_iact_bits = noc_.bit_hops(DataType::kIact);
  stats_.noc_weight_bits = noc_.bit_hops(DataType::kWeight);
  stats_.noc_psum_bits = noc_.bit_hops(DataType::kPsum);
  stats_.events = sim_.events_executed();
  stats_.busy_pe_cycles = std::accumulate(traces_.pe_busy_cycles.begin(), traces_.pe_busy_cycles.end(), std::uint64_t{0});
  if (arch_.pe.kind == PeKind::kDense) {  // a dense PE spends one cycle per slot and reads weights for non-zero ones
    const std::uint64_t slot_cycles = stats_.macs_issued / arch_.pe.simd_width;
    stats_.zero_iact_pe_cycles = slot_cycles - std::min(slot_cycles, stats_.spad_weight_data_reads);
  }
  apply_energy(arch_, stats_);
  if (options_.collect_traces) {
    traces_.port_busy_cycles.reserve(noc_.ports().size());
    traces_.port_bits.reserve(noc_.ports().size());
    for (const PortServer& p : noc_.ports()) {
      traces_.port_busy_cycles.push_back(p.busy_cycles());
      traces_.port_bits.push_back(p.bits);
    }
    result.traces = std::move(traces_);
  }
  if (options_.verify) {
    const auto reference = workloads::reference_conv(shape_, layer_.iacts, layer_.weights);
    const auto ref = reference.values();
    const auto got = output_.values();
    for (std::size_t i = 0; i < ref.size(); ++i) {
      const std::int32_t expected = workloads::wrap_psum(ref[i], arch_.precision.psum_bits);
      if (got[i] != expected) {
        const auto& d = output_.dims();
        const std::size_t f = i % d[3], e = (i / d[3]) % d[2], ch = (i / (d[3] * d[2])) % d[1], n = i / (d[3] * d[2] * d[1]);
        throw VerifyError(fmt::format("layer {}: output [n={}, channel={}, e={}, f={}] is {} but the reference is {}",
                                      shape_.name, n, ch, e, f, got[i], expected));
      }
    }
    result.verified = true;
  }
  result.stats = stats_;
  return result;
}

}  // namespace eyesim::hw
