// GLB plan: how a layer uses the global buffer: the bank split and the GLB-level blocking of output
// positions that keeps partial sums on chip (docs/model.md §4, "GLB blocking").
#pragma once

#include <cstdint>

#include "hw/arch_spec.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {

struct Mapping;

/// How a layer uses the GLB banks: per cluster (v2) or, for a shared GLB (v1), the banks split per
/// layer between iacts and psums (V1 §V-B: each 4 kB bank is assigned to ifmaps or psums per layer).
struct GlbLayout {
  std::uint32_t groups = 1;       ///< GLB clusters (1 when shared)
  std::uint32_t iact_banks = 1;   ///< per group
  std::uint32_t psum_banks = 1;   ///< per group
  double iact_bytes = 0;          ///< iact capacity of the whole chip
  double psum_bytes = 0;          ///< psum capacity of the whole chip
};

/// `iact_bytes`: the input the GLB should hold (CSC size on a sparse chip).
GlbLayout glb_layout(const ArchSpec& arch, double iact_bytes);

/// The layer's input size as stored in the GLB (CSC pairs on a sparse chip, raw values on a dense one).
double stored_iact_bytes(const ArchSpec& arch, const workloads::LayerData& layer);

/// The GLB level of the loop nest (RS+ "GLB level" loops; V1 "processing pass"): output positions
/// (n, e, f-tile) are processed in blocks, the outermost temporal loop. Within a block every weight pass
/// runs, so the block's partial sums are complete before the next block starts: they must fit the psum
/// banks, and the block's input rows are read from DRAM once into the iact banks. Smaller blocks cost
/// one more DRAM read of the weights each. A pass over a block takes ceil(positions / k_pos) lane steps;
/// the plan takes, among plans whose psums fit, the fewest steps over the layer, then the least
/// estimated DRAM traffic (ties: the larger block, fewer passes).
/// Where a block's input lives while it is used.
enum class IactResidency : std::uint8_t {
  kBlock,   ///< the block's input rows fit the iact banks: read from DRAM once per block
  kSlice,   ///< only the channels of the current reduction chunk fit (V1's "n q r ifmap planes"): read
            ///< once per m-block of weight passes that use them
  kStream,  ///< nothing fits: every use streams from DRAM
};

struct GlbPlan {
  GlbLayout layout;
  std::uint32_t block_positions = 1;  ///< output positions per block
  std::uint32_t blocks = 1;           ///< ceil(positions / block_positions)
  IactResidency iacts = IactResidency::kBlock;
  /// m-chunks whose psums are live together (kSlice): the weight passes of a block run m-block by
  /// m-block, reduction chunk by reduction chunk, m-chunk innermost, so a chunk's input slice is read
  /// once per m-block (V1 Table III's "m" filters of psums in the GLB).
  std::uint32_t m_block = 1;
  bool psums_spill = false;           ///< a block's live psums exceed the psum banks (read-modify-writes go to DRAM)
  double estimated_dram_bytes = 0;    ///< weights x blocks + iacts + spilled psums (outputs excluded)
};

/// The cycles a lane step waits for its input beyond the PEs' work: the DRAM latency when the input
/// streams (each step's rows are requested from DRAM as it starts; with no bank to hold them they cannot
/// be fetched ahead), none when it is held in the GLB (prefetched there from the start of the block).
double streamed_step_wait(const ArchSpec& arch, const GlbPlan& plan);

/// Chooses the block size for a mapping whose spatial factors are set (docs/model.md §4): the plan whose
/// psums fit, then the least lane time (lane steps x (`step_cycles`, a step's estimated work, +
/// streamed_step_wait)), then the least DRAM traffic.
GlbPlan plan_glb(const ArchSpec& arch, const workloads::LayerData& layer, const Mapping& mapping, double step_cycles);

}  // namespace eyesim::hw
