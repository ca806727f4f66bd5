// GLB plan: bank split and GLB-level blocking of output positions (docs/model.md §4).
#include "hw/glb_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/check.h"
#include "hw/mapper.h"

namespace eyesim::hw {
namespace {

std::uint32_t ceil_div(std::uint64_t a, std::uint64_t b) { return static_cast<std::uint32_t>((a + b - 1) / b); }

}  // namespace

double stored_iact_bytes(const ArchSpec& arch, const workloads::LayerData& layer) {
  return arch.pe.kind == PeKind::kSparse ? double(layer.iact_nnz) * arch.pe.iact_data_bits / 8.0
                                         : double(layer.shape().iact_count()) * arch.precision.iact_bits / 8.0;
}

GlbLayout glb_layout(const ArchSpec& arch, double iact_bytes) {
  GlbLayout g;
  if (!arch.glb.shared) {
    g.groups = arch.clusters();
    g.iact_banks = arch.glb.iact_banks;
    g.psum_banks = std::max(1u, arch.glb.psum_banks);
    g.iact_bytes = double(g.groups) * g.iact_banks * arch.glb.iact_bank_bytes;
    g.psum_bytes = double(g.groups) * arch.glb.psum_banks * arch.glb.psum_bank_bytes;
    return g;
  }
  // Shared GLB: the iact banks (and any dedicated psum banks) form one pool; the input gets the banks
  // it needs (at least one, leaving at least one for psums), the psums the rest.
  const std::uint32_t pool = arch.glb.iact_banks + arch.glb.psum_banks;
  const double bank = arch.glb.iact_bank_bytes;
  EYESIM_CHECK(pool >= 2, "a shared GLB of {} bank(s) passed validate()", pool);
  const auto needed = static_cast<std::uint32_t>(std::ceil(iact_bytes / bank));
  g.iact_banks = std::clamp(needed, 1u, pool - 1);
  g.psum_banks = pool - g.iact_banks;
  g.iact_bytes = double(g.iact_banks) * bank;
  g.psum_bytes = double(g.psum_banks) * bank;
  return g;
}

double streamed_step_wait(const ArchSpec& arch, const GlbPlan& plan) {
  return plan.iacts == IactResidency::kStream ? double(arch.dram.latency_cycles) : 0.0;
}

GlbPlan plan_glb(const ArchSpec& arch, const workloads::LayerData& layer, const Mapping& m, double step_cycles) {
  const auto& l = layer.shape();
  const bool sparse = arch.pe.kind == PeKind::kSparse;
  const double input_bytes = stored_iact_bytes(arch, layer);
  const double row_bytes = input_bytes / (double(l.n) * l.h);  // one input row, every channel and group
  const double weight_bytes = sparse ? double(layer.weight_nnz) * arch.pe.weight_data_bits / arch.pe.simd_width / 8.0
                                     : double(l.weight_count()) * arch.precision.weight_bits / 8.0;
  const double psum_bytes_total = double(l.oact_count()) * arch.precision.psum_bits / 8.0;
  const std::uint32_t kk_passes = ceil_div(m.partials, m.k_red);
  const std::uint32_t mt_passes = ceil_div(m.m_tiles, m.k_m);
  const bool accumulates = kk_passes > 1;  // psums go back to the GLB between weight passes
  // Psums live at once per output position: the k_g groups' current m-chunks.
  const double psum_per_position =
      double(m.k_g) * std::min(m.m_tiles, m.k_m) * m.factors.m0 * m.factors.f0 * arch.precision.psum_bits / 8.0;
  // An input row streamed from DRAM is read once per m-chunk and per filter row that uses it (R / U),
  // plus the window overlap of neighbouring f-tiles.
  const double f0u = double(m.factors.f0) * l.u;
  const double stream_factor = double(mt_passes) * std::max(1.0, double(l.r) / l.u) * (f0u + std::max(0, int(l.s) - int(l.u))) / f0u;

  // Slice residency: the channels of one reduction chunk (partials run filter rows fastest) and how
  // many chunks load each c-tile (a c-tile's R partials may straddle two chunks).
  const std::uint32_t R = l.r;
  const std::uint32_t chunk_channels = std::min(l.c, ceil_div(m.k_red, R) * m.factors.c0 + (m.k_red % R ? m.factors.c0 : 0));
  // The chunks spanned by c-tile ct repeat with period k_red / gcd(R, k_red) c-tiles: average one period.
  const std::uint32_t period = std::min(m.c_tiles, m.k_red / std::gcd(R, m.k_red));
  double chunk_loads = 0;
  for (std::uint32_t ct = 0; ct < period; ++ct) chunk_loads += (ct * R + R - 1) / m.k_red - (ct * R) / m.k_red + 1;
  chunk_loads /= period;
  // block_input_bytes holds every group's channels; a pass works on one group, and the k_g lane groups
  // side by side hold one slice each.
  const double slice_fraction = double(chunk_channels) * std::min(m.k_g, l.g) / (double(l.c) * l.g);

  const std::uint32_t rows_per_image = l.e() * m.f_tiles;
  const GlbLayout fixed_layout = arch.glb.shared ? GlbLayout{} : glb_layout(arch, 0.0);  // v2: per cluster, fixed
  GlbPlan best;
  bool have = false;
  // An image's rows below the last output row's filter are never read (nor the top padding).
  const double image_rows = std::clamp(double(l.e() - 1) * l.u + l.r - l.pad, 1.0, double(l.h));
  // Every block size reads the weights once per block; when R >= U the blocks' input rows cover the
  // rows read at least once too (streaming reads them at least once as well).
  const double input_floor = l.r >= l.u ? double(l.n) * image_rows * row_bytes : 0.0;
  // A block's positions are dealt to the k_pos lanes, so a pass over it takes ceil(positions / k_pos)
  // steps: a block that is not a multiple of k_pos leaves lanes idle in every pass (JSSC CONV1: blocks
  // of 10 output rows on 7 lanes ran two steps per pass for 10 / 14 of the work; V1 Table III uses
  // strips of 7). The plan takes the least lane time first (steps, each waiting for its rows from DRAM
  // when the input streams: one step fewer does not pay for a DRAM latency in every step), then the
  // least DRAM traffic.
  const std::uint64_t min_steps = ceil_div(m.positions, m.k_pos);
  const double min_lane_time = double(min_steps) * step_cycles;
  const auto steps_of = [&](std::uint32_t block_positions) {
    const std::uint32_t rest = m.positions % block_positions;
    return std::uint64_t{m.positions / block_positions} * ceil_div(block_positions, m.k_pos) +
           (rest ? ceil_div(rest, m.k_pos) : 0);
  };
  double best_lane_time = 0;
  // Returns false when neither this block size nor any smaller one can beat the best: its psums fit (a
  // smaller block's might when the best's do not), it has the least lane time, and the floor of their
  // traffic (weights x blocks + the input floor) reaches it.
  const auto consider = [&](std::uint32_t block_positions, double block_input_bytes) {
    GlbPlan p;
    p.block_positions = block_positions;
    p.blocks = ceil_div(m.positions, block_positions);
    const std::uint64_t steps = steps_of(block_positions);
    if (have && !best.psums_spill && best_lane_time <= min_lane_time &&
        weight_bytes * p.blocks + input_floor >= best.estimated_dram_bytes)
      return false;
    const double slice_bytes = block_input_bytes * slice_fraction;
    for (IactResidency residency : {IactResidency::kBlock, IactResidency::kSlice, IactResidency::kStream}) {
      const double resident = residency == IactResidency::kBlock ? block_input_bytes
                              : residency == IactResidency::kSlice ? slice_bytes
                                                                   : 0.0;
      p.iacts = residency;
      p.layout = arch.glb.shared ? glb_layout(arch, resident) : fixed_layout;
      if (resident > p.layout.iact_bytes) continue;
      // A slice is read once per m-block: as many m-chunks as the psum banks hold at once.
      p.m_block = 1;
      if (residency == IactResidency::kSlice && accumulates) {
        const double per_chunk = psum_per_position * block_positions;
        // Clamped before the conversion: a GLB of many large banks holds more than 2^32 chunks, which
        // no uint32 represents (undefined behaviour).
        p.m_block = static_cast<std::uint32_t>(
            std::clamp(std::floor(p.layout.psum_bytes / per_chunk), 1.0, static_cast<double>(mt_passes)));
      }
      p.psums_spill = accumulates && psum_per_position * p.m_block * block_positions > p.layout.psum_bytes;
      const double slice_reads = double(ceil_div(mt_passes, p.m_block)) * chunk_loads;
      const double iact_traffic = residency == IactResidency::kBlock   ? double(p.blocks) * block_input_bytes
                                  : residency == IactResidency::kSlice ? double(p.blocks) * block_input_bytes * slice_reads
                                                                       : input_bytes * stream_factor;
      const double spill_traffic = p.psums_spill ? 2.0 * (kk_passes - 1) * psum_bytes_total : 0.0;
      p.estimated_dram_bytes = weight_bytes * p.blocks + iact_traffic + spill_traffic;
      const double lane_time = double(steps) * (step_cycles + streamed_step_wait(arch, p));
      const bool better = !have || (p.psums_spill != best.psums_spill ? !p.psums_spill
                                    : lane_time != best_lane_time      ? lane_time < best_lane_time
                                                                       : p.estimated_dram_bytes < best.estimated_dram_bytes);
      if (better) {
        best = p;
        best_lane_time = lane_time;
      }
      have = true;
    }
    return true;
  };
  // Largest blocks first (ties keep the larger): whole images (the rows read), then runs of output rows.
  for (std::uint32_t images = l.n; images >= 1; --images)
    if (!consider(images * rows_per_image, double(images) * image_rows * row_bytes)) return best;
  // Positions are numbered across the images of a batch, so a run that does not divide the image's rows
  // has blocks that end in one image and go on in the next: each part holds its own halo, less the
  // padding rows at the image's edge (the top padding, and what the last output row reads below it).
  const double below = std::max(0.0, double(l.e() - 1) * l.u + l.r - l.pad - double(l.h));
  const auto input_rows = [&](std::uint32_t rows) {
    const double one_image = std::min<double>(l.h, double(rows - 1) * l.u + l.r);
    if (l.n == 1 || l.e() % rows == 0) return one_image;
    return std::max(one_image, std::min(2.0 * l.h, double(rows - 2) * l.u + 2.0 * l.r - l.pad - below));
  };
  // Runs of output rows, by the number of blocks they make (fewest first). Of the runs making as many
  // blocks, a longer one holds more input rows and psums for the same weight traffic, so it can be the
  // best only if it needs fewer lane steps than every shorter one (26 positions on 2 lanes: 3 blocks of 10
  // rows take 13 steps, 3 blocks of 9 take 14, of 11 or 12 13 again): those runs are considered, shortest
  // first. (Two of them never tie: each needs fewer steps than the last.)
  for (std::uint32_t longest = l.e() - 1; longest >= 1;) {
    const std::uint32_t blocks = ceil_div(m.positions, longest * m.f_tiles);
    std::uint32_t shortest = longest;
    while (shortest > 1 && ceil_div(m.positions, (shortest - 1) * m.f_tiles) == blocks) --shortest;
    std::uint64_t fewest_steps = std::numeric_limits<std::uint64_t>::max();
    for (std::uint32_t rows = shortest; rows <= longest; ++rows) {
      const std::uint64_t steps = steps_of(rows * m.f_tiles);
      if (steps >= fewest_steps) continue;
      fewest_steps = steps;
      if (!consider(rows * m.f_tiles, input_rows(rows) * row_bytes)) return best;
    }
    longest = shortest - 1;
  }
  return best;
}

}  // namespace eyesim::hw
