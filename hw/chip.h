// Chip: one layer on one architecture, event by event. The only file that knows the whole topology:
// PEs grouped into lanes, the NoC ports, the GLB and DRAM (read it like a schematic).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <optional>
#include <span>
#include <vector>

#include "core/simulator.h"
#include "hw/arch_spec.h"
#include "hw/dram.h"
#include "hw/energy.h"
#include "hw/glb_bank.h"
#include "hw/layer_result.h"
#include "hw/mapper.h"
#include "hw/noc.h"
#include "hw/pe_cost.h"
#include "hw/placement.h"
#include "hw/simulate.h"
#include "workloads/csc.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {

/// Timing model (docs/model.md). The mapping places the psum chain of (pos_i, g_i, m_i) along one PE
/// column, on the mesh across vertically adjacent clusters (hw/placement.h, hw/psum_chains.h); red_i is a PE's
/// place in its chain.
/// A *lane* is the k_m x k_red PEs of one (g_i, pos_i): they share iact multicasts (across m_i) and a
/// psum chain (across red_i), so the ready/enable handshake makes them advance one work item at a time
/// together. Lanes with the same g_i share weight multicasts: they meet at a barrier before each new
/// weight tile (the weight SPad is single-buffered). Events: one per lane step and one per weight load.
/// Per step the chip reserves, in order: the GLB iact bank, one NoC multicast per input row (source port +
/// mesh tree, Eyeriss v2 §III-C), the PEs (exact work-item cycles, §IV-A), the GLB psum bank and the psum
/// port; the lane's next step is scheduled when its psums have left. The outermost loop runs over the
/// GLB plan's position blocks: a block's input rows that fit the GLB are prefetched from DRAM from the
/// block's start; weight reads are issued one pass ahead.
class Chip {
 public:
  class Workspace;

  /// `oact_density`: the density of the output as written to DRAM (simulate.h `written_oact_density`;
  /// nullopt = not known, written raw). `workspace`: storage the chip uses for this layer (see Workspace).
  Chip(const ArchSpec& arch, const workloads::LayerData& layer, const Mapping& mapping, const RunOptions& options,
       Workspace& workspace, std::optional<double> oact_density = std::nullopt);

  ~Chip();
  Chip(const Chip&) = delete;
  Chip& operator=(const Chip&) = delete;

  LayerResult run();

  // Deadlock detection (Simulator::watch).
  bool is_idle() const { return groups_done_ == map_.k_g; }
  std::string describe_state() const;

 private:
  struct TilePass {
    std::uint32_t g, mt_base, kk_base;
    std::uint32_t block;  ///< GLB position block (hw/glb_plan.h)
    bool block_start;     ///< the first pass of its block
    std::uint32_t slice;  ///< the first pass of its (m-block, reduction chunk): the kSlice input epoch
  };
  struct Lane {
    std::uint32_t g_i = 0, pos_i = 0;
    std::uint32_t positions = 0;  ///< positions this lane computes per pass
    std::uint32_t next_pos = 0;   ///< index of the next position within the pass
    std::uint64_t arrived_at = 0; ///< when it reached the weight barrier
  };
  /// Functional mode: a weight tile as decoded from its CSC form: `dense`, [(c - c_begin) * S + s][m -
  /// m_begin], and for sparse weights also the non-zeros of column k = (c - c_begin) * S + s, ascending
  /// in m: [column_start[k], column_start[k + 1]) of (nz_m, nz_value), as the PE walks them.
  struct VerifyTile {
    std::vector<std::int8_t> dense;     ///< [c][s][m]
    std::vector<std::int8_t> reversed;  ///< [c][S-1-s][m] when reversed_filter_rows()
    std::vector<std::int16_t> dense16;  ///< `dense` widened, for 1-wide filters at stride 1 (compute_values)
    std::vector<std::uint32_t> column_start;
    std::vector<std::uint16_t> nz_m;  ///< m - m_begin
    std::vector<std::int8_t> nz_value;
  };
  /// A reduction slot (red_i) of a weight pass: the channel tile and filter row its PEs reduce.
  struct ReductionSlot {
    bool used = false;  ///< kk < partials (a layer's last reduction chunk may be short)
    std::uint32_t r = 0, c_begin = 0, c_end = 0;
    std::size_t row_key_offset = 0;  ///< (ct * H + r) * f_tiles: its input rows' part of their rows_ index
  };
  /// An output slot (m_i) of a weight pass: the output channels of its psum chains.
  struct OutputSlot {
    bool used = false;  ///< mt < m_tiles (a layer's last m-chunk may be short)
    std::uint32_t m_begin = 0, m_end = 0;
  };
  struct Group {
    std::uint32_t first_lane = 0;
    std::uint32_t arrived = 0;
    std::uint32_t pass = 0;
    TilePass tile_pass{};          ///< pass_of(group, pass), decoded once when the pass's weights load
    std::uint64_t read_issue = 0;  ///< when the DRAM read of the next pass's weights can be issued
    std::uint64_t epoch_start = 0; ///< when the current block (or pass, kSlice) started: its input prefetch
    std::vector<WeightTileCost> tiles;  ///< per (m_i, red_i) of the current pass
    /// Dense weights: per (m_i, red_i), the shape (height << 32 | channels) of the tile `tiles` holds (0:
    /// none). Such a tile's costs depend only on its shape, so a pass whose tile has the shape of the
    /// slot's previous one keeps it (load_weights). Sized only for dense weights.
    std::vector<std::uint64_t> dense_tile_shapes;
    /// The current pass's work, decoded once when its weights load (a lane step adds only its position).
    std::vector<ReductionSlot> reduction_slots;  ///< per red_i
    std::vector<OutputSlot> output_slots;        ///< per m_i
    std::vector<VerifyTile> verify_tiles;  ///< functional mode: the decoded tiles, same order
  };

  /// What a layer's wiring depends on besides the architecture: the placement's spatial factors (hw/placement.h)
  /// and the GLB bank split (glb_iact_bank, glb_psum_bank).
  struct WiringKey {
    std::uint32_t k_red = 0, k_m = 0, k_g = 0, k_pos = 0, partials = 0, iact_banks = 0, psum_banks = 0;
    friend bool operator==(const WiringKey&, const WiringKey&) = default;
  };
  /// A layer's wiring, worked out at set-up from the placement: every lane's PEs, GLB banks and psum ports
  /// and every multicast's planned route (the chip's tables of the same names, and its NoC's routes).
  /// The workspace keeps the last ones for later layers wired alike.
  struct Wiring {
    bool set = false;
    std::uint64_t last_use = 0;  ///< the workspace's wiring_uses when it was last set or used
    ArchSpec arch;
    WiringKey key;
    std::vector<std::uint32_t> lane_pes, iact_routes, iact_banks, psum_banks, psum_ports, psum_chain_hops, weight_routes;
    Noc::PlannedRoutes routes;
  };
  /// Fills the wiring tables (lane_pes_ .. weight_routes_ and the NoC's planned routes) from the placement.
  void wire();
  /// Calls f(chip's table, kept table) for every wiring table a Wiring keeps (not the NoC's routes).
  template <class F>
  void for_each_wiring_table(Wiring& kept, F&& f);

  void start();
  /// Calls f(chip's table, workspace's table) for every table the chip borrows from its workspace.
  template <class F>
  void for_each_borrowed(F&& f);
  /// The same for the per-PE traces (run() hands them to the result when they are collected).
  template <class F>
  void for_each_borrowed_trace(F&& f);
  void on_group_pass(std::uint64_t group);
  /// kDenseWeights: the layer's weights have no zero (weights_dense_), so PEs whose tiles have one height
  /// share their work item's cost. kOneChain: k_m = 1.
  template <bool kDenseWeights, bool kOneChain>
  void on_lane_step(std::uint64_t lane);
  void load_weights(std::uint32_t group, std::uint64_t now);
  // Functional mode: the decoded input row of the current step and reduction slot, the decoded tiles of
  // the current pass, and one work item's MACs into output_.
  void decode_row(const WorkItem& item);
  /// Functional mode: a stride-1 layer with output rows and filter rows longer than 1 computes along m
  /// with the tiles' filter rows reversed (compute_values).
  bool reversed_filter_rows() const { return shape_.u == 1 && shape_.s > 1 && shape_.f() > 1; }
  /// The current pass's tiles into grp.verify_tiles (after load_weights has set its slots).
  void decode_tiles(Group& grp);
  /// `positions`, per weight column (c, s) of the tile: on entry the position in its non-zero index of the
  /// first non-zero with output channel >= m_begin, on return >= m_end (sparse weights only).
  void decode_tile(std::uint32_t g, std::uint32_t m_begin, std::uint32_t m_end, std::uint32_t c_begin, std::uint32_t c_end,
                   std::uint32_t r, std::span<std::size_t> positions, VerifyTile& out);
  /// `iacts`: verify_row_ as decode_row left it (its transposition is reused until the next decode_row);
  /// `iact_nnz`: its non-zeros (chooses the cheaper loop order).
  void compute_values(const WorkItem& item, std::span<const std::int8_t> iacts, std::uint64_t iact_nnz, const VerifyTile& tile);
  /// The input window of `item` (row `row_key` of rows_), classified or reused from the lane's last ones.
  const IactWindow& row_window(std::uint32_t lane_id, const WorkItem& item, std::size_t row_key, bool padding);
  std::uint64_t now_cycles() const { return clock_.to_cycles(sim_.now()).count; }
  /// The psum chain of (pos_i, g_i, m_i) (hw/placement.h, hw/psum_chains.h).
  std::uint32_t chain_of(std::uint32_t pos_i, std::uint32_t g_i, std::uint32_t m_i) const {
    return placement_.chain(placement_.lane_slot(pos_i, g_i), m_i);
  }
  /// Psum drain (docs/model.md §4, "psums"). On V1's flat NoC a PE whose psum SPad cannot hold a work
  /// item's `values` psums (it holds the p psums of one output pixel) passes each output column's psums
  /// up its chain as they complete: they leave during the item, from the end of its first column
  /// (`columns` per item), and the lane moves on only when the last of them has left. Otherwise (and
  /// on the mesh, see docs/model.md) the psums leave after the item and the lane moves on when their
  /// transfer starts.
  bool psums_stream(std::uint64_t values) const;
  std::uint64_t psum_ready_at(std::uint64_t step_start, std::uint64_t compute_end, std::uint64_t values,
                              std::uint32_t columns) const;
  std::uint64_t psum_handed_off(const Transfer& x, std::uint64_t values) const;
  TilePass pass_of(std::uint32_t group, std::uint32_t pass) const;
  std::uint32_t passes_of(std::uint32_t group) const;
  std::uint32_t passes_per_block(std::uint32_t group) const;

  const ArchSpec& arch_;
  const workloads::LayerData& layer_;
  const workloads::LayerShape& shape_;
  const Mapping& map_;
  Placement placement_;              ///< where the chains and lanes sit (set-up only)
  std::uint32_t iact_entry_bits_;    ///< bits of one iact as it travels (a CSC pair on a sparse chip)
  RunOptions options_;
  Workspace& workspace_;  ///< lends the tables below for this layer; they go back when the chip ends
  std::optional<double> oact_density_;  ///< density of the output written to DRAM (nullopt: raw)
  /// The last oact_write_bytes asked for, by value count (it rounds a double: once per layer, not per step).
  std::uint64_t oact_memo_values_ = ~std::uint64_t{0}, oact_memo_bytes_ = 0;
  std::uint64_t oact_raw_bits_ = 0;  ///< raw output bits written so far (they pack across writes)
  Simulator& sim_;
  /// The chip runs in one clock domain and its simulator is private, so it counts in cycles (1 tick =
  /// 1 cycle): events then fall within the timing wheel's 4096-tick horizon instead of its overflow heap
  /// (in picoseconds one 200 MHz cycle is 5000 ticks). Seconds come from cycles and arch.clock_mhz.
  Clock clock_;
  PeCostModel pe_cost_;
  bool weights_dense_;  ///< the layer's weights have no zero: a tile's work depends only on its height
  Noc noc_;
  Dram dram_;
  /// A DRAM read the chip issues at `now` (its present) for data ready at `ready`: behind the posted writes
  /// issued by `now` (Dram::issue_until).
  std::uint64_t dram_read(std::uint64_t now, std::uint64_t ready, std::uint64_t bytes) {
    dram_.issue_until(now);
    return dram_.access(ready, bytes);
  }
  /// GLB banks as one-access-per-cycle servers (port conflicts): per cluster, or the shared GLB's banks.
  /// Each serves its on-chip accesses (iact reads, psum read-modify-writes) in event order and its
  /// off-chip traffic (fills of resident input, spilled psums in and out) in the cycles they leave idle.
  /// Final outputs skip the GLB (V2 §II).
  std::vector<GlbBank> glb_iact_banks_, glb_psum_banks_;
  std::uint32_t glb_iact_bank(std::uint32_t pe) const;
  std::uint32_t glb_psum_bank(std::uint32_t pe) const;
  std::vector<Lane> lanes_;
  /// The weight tiles' storage: every group's tiles, in the workspace's tile storage (grown to fit).
  std::pmr::monotonic_buffer_resource tile_arena_;
  std::vector<Group> groups_;  ///< the first k_g are this layer's (the rest: storage of earlier layers)
  std::size_t groups_done_ = 0;
  std::uint64_t last_activity_ = 0;  ///< latest completion of anything (cycles)

  GlbLayout glb_;
  bool iacts_resident_ = true;  ///< input held in the GLB (per block or per pass), not streamed
  bool psums_spill_ = false;
  /// What the chip knows of one input row segment, per (n, g, c-tile, h, f-tile).
  struct RowState {
    std::uint32_t loaded = 0;  ///< 1 + the block (or slice) that read it into the GLB (0: never)
    /// Its last multicast: lanes at the same step of the same pass share it (row-stationary reuse).
    std::uint32_t sent_pass = 0;  ///< 1 + the group's pass (0: never sent)
    std::uint32_t sent_step = 0;  ///< the lane step (next_pos) it was sent for
    std::uint64_t arrival = 0, first_word = 0;
  };
  std::vector<RowState> rows_;

  // Per-step scratch, sized once per layer from the mapping (no allocation per event).
  /// A PE's part of a lane step: the cycles of its work item, if it has one (not a padding row or an unused
  /// slot). The rest of the item's cost goes into the traces and counters as it is computed.
  struct PeWork {
    std::uint64_t cycles = 0;
    bool busy = false;
  };
  std::vector<PeWork> step_work_;            ///< [m_i * k_red + red_i]
  IactWindow step_window_;                   ///< the input window of a padding row (scratch)
  /// Per (lane, slot): the input window a lane classified last in that slot, and 1 + its row_key (0:
  /// none). A window depends only on its input row segment, so a later step of the lane that reads the
  /// same row reuses it (row_window).
  std::vector<IactWindow> lane_windows_;
  std::vector<std::size_t> lane_window_rows_;
  std::uint32_t window_slots_ = 1;  ///< slots per lane: k_red rounded up to a power of two
  std::vector<std::uint64_t> step_ends_;     ///< when each lane PE finishes its work item
  std::vector<std::uint64_t> step_arrival_;  ///< [red_i]: when the iact row reaches its PEs
  /// Per PE: its wait for this pass's weight tile, added to its stall trace at its first work of the pass
  /// (dropped if it has none: a PE whose rows are all padding is idle, not stalled).
  std::vector<std::uint64_t> pe_weight_wait_;
  std::vector<std::uint32_t> dests_;         ///< destination PEs of one multicast (set-up)
  std::vector<std::uint32_t> iact_routes_;    ///< planned NoC route per (lane, red_i)
  std::vector<std::uint32_t> weight_routes_;  ///< planned NoC route per (group, m_i, red_i)
  // The placement, fixed by the mapping: looked up per step instead of recomputed (it divides).
  std::vector<std::uint32_t> lane_pes_;     ///< PE per (lane, m_i, red_i): Placement::lane_pes
  std::vector<std::uint32_t> iact_banks_;   ///< GLB iact bank per (lane, red_i): the row's source
  std::vector<std::uint32_t> psum_banks_;   ///< GLB psum bank per (lane, m_i): the chain's exit PE's
  std::vector<std::uint32_t> psum_ports_;   ///< psum router per (lane, m_i): the chain's exit PE's
  /// Psum bit-hops per bit a chain sends, per (lane, m_i): its k_red - 1 links, and 2 more for each
  /// cluster boundary it crosses (top PE -> psum router, the mesh link, router -> bottom PE).
  std::vector<std::uint32_t> psum_chain_hops_;
  std::uint32_t out_rows_ = 0, out_cols_ = 0;  ///< E and F of the layer

  LayerStats stats_;
  LayerTraces traces_;
  std::vector<std::int8_t> verify_row_;      ///< functional mode: the decoded input row segment
  workloads::CscEncoding verify_csc_;        ///< functional mode: the CSC form of the row or tile in flight
  std::vector<std::size_t> verify_positions_;  ///< functional mode: per column of a tile, where its walk is (decode_tiles)
  std::vector<std::int16_t> verify_row_t_;   ///< functional mode: the row segment as [c][w mod U][w / U], 16-bit
  bool verify_row_transposed_ = false;       ///< functional mode: verify_row_t_ holds verify_row_ (reset by decode_row)
  std::vector<std::uint32_t> verify_acc_;    ///< functional mode: one work item's psums modulo 2^32, [f][m] or [m][f]
  workloads::Tensor<std::int32_t> output_;  ///< functional mode: 20-bit psum accumulators

 public:
  /// Storage a chip uses for one layer and leaves to the next: simulate_network runs the layers a thread
  /// takes one after another on one workspace (one per thread), so a layer after its first reuses the event queue (4096
  /// buckets), the per-row, per-lane and placement tables, the per-step scratch and lane windows, the
  /// groups with their weight tiles' storage, the NoC's ports and planned routes, the DRAM window table
  /// and the per-PE traces instead of allocating and freeing them again (tables only grow). A chip sets
  /// every part before it reads it, so nothing of one layer reaches the next, except the wirings it keeps
  /// on purpose (`wirings`: a layer wired as one of the last two, on the same architecture, takes its
  /// tables and routes instead of working them out). Used by one chip at a time (one per thread); no globals.
  class Workspace {
   public:
    Workspace() = default;
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

   private:
    friend class Chip;
    Simulator sim;  // used in place (it is large); the tables are moved into the chip and back
    std::vector<GlbBank> glb_iact_banks, glb_psum_banks;
    std::vector<Lane> lanes;
    std::vector<RowState> rows;
    std::vector<PeWork> step_work;
    IactWindow step_window;
    std::vector<IactWindow> lane_windows;
    std::vector<std::size_t> lane_window_rows;
    std::vector<std::uint64_t> step_ends, step_arrival, pe_weight_wait;
    std::vector<std::uint32_t> dests, iact_routes, weight_routes, lane_pes, iact_banks, psum_banks, psum_ports,
        psum_chain_hops;
    std::vector<Group> groups;  // with their weight tiles' storage
    std::vector<std::uint64_t> pe_busy_cycles, pe_stall_cycles, pe_macs;
    Noc::Storage noc;
    Dram::Storage dram_windows;
    std::unique_ptr<std::byte[]> tile_storage;  // the chip's tile arena
    std::size_t tile_storage_bytes = 0;
    /// The wirings of the last layers wired differently, least recently used replaced first: a network's
    /// depthwise and pointwise layers alternate, and most of each kind are wired alike.
    std::array<Wiring, 2> wirings;
    std::uint64_t wiring_uses = 0;
  };
};

}  // namespace eyesim::hw
