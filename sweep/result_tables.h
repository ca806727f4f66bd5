// ResultTables: the schema of eyesim's HDF5 result files (docs/results.md) and the conversion of one
// simulated design point into packed rows. Schema version: kResultSchema.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hw/layer_result.h"
#include "sweep/design_point.h"
#include "sweep/table_schema.h"
#include "workloads/network.h"

namespace eyesim::sweep {

inline constexpr const char* kResultSchema = "eyesim-results/1";

// Widths of the string columns (bytes of UTF-8, NUL-padded; docs/results.md). Names identify rows
// (reports group by them, plots select by them), so one that does not fit is refused, never cut: two
// layers or network files differing only past the width would become one. Messages are free text and
// are cut, ending with "...".
inline constexpr std::uint32_t kNameBytes = 64;       ///< arch.name, /layers.layer_name, /runs.network_name
inline constexpr std::uint32_t kNetworkBytes = 256;   ///< /configs.network, /runs.network: a built-in name or a file path
inline constexpr std::uint32_t kMessageBytes = 512;   ///< /runs.message
inline constexpr std::uint32_t kEnumBytes = 24;       ///< enum parameters and mappings, by name (set in code)
inline constexpr std::uint32_t kKindBytes = 16;       ///< /layers.kind (set in code)

/// Everything one design point produced, as packed rows (built on the worker thread).
struct PointRecord {
  std::uint64_t point_id = 0;
  std::vector<std::byte> run_row;
  std::vector<std::byte> layer_rows;  ///< n_layers rows; trace offsets are filled by the writer
  std::uint32_t n_layers = 0;
  /// Per layer, concatenated: pe_busy, pe_stall, pe_macs (pe_count each), port_busy, port_bits (port_count each).
  std::vector<std::uint64_t> traces;
  std::vector<std::uint32_t> pe_counts, port_counts;
  bool ok = true;
  double wall_ms = 0;  ///< the point's time on its worker, as in its /runs row (0 for one read back from a journal)
};

class ResultTables {
 public:
  ResultTables();
  const TableSchema& configs() const { return configs_; }
  const TableSchema& layers() const { return layers_; }
  const TableSchema& runs() const { return runs_; }

  std::vector<std::byte> config_row(const DesignPoint& p, std::uint64_t config_hash) const;
  PointRecord record(const DesignPoint& p, const hw::NetworkResult& r, double wall_ms) const;
  PointRecord failed_record(const DesignPoint& p, const std::string& message, double wall_ms) const;

  std::size_t col_point_id_layers() const { return layers_point_; }
  std::size_t col_trace_pe_offset() const { return trace_pe_offset_; }
  std::size_t col_trace_port_offset() const { return trace_port_offset_; }
  std::size_t col_run_network_name() const { return run_network_name_; }
  std::size_t col_run_status() const { return run_status_; }
  std::size_t col_run_message() const { return run_message_; }
  std::size_t col_run_wall_ms() const { return run_wall_; }

  /// JSON object {column: unit} for the `units` attribute of a table.
  static std::string units_json(const TableSchema& schema);

 private:
  TableSchema configs_, layers_, runs_;
  std::size_t layers_point_ = 0, trace_pe_offset_ = 0, trace_port_offset_ = 0, run_network_name_ = 0, run_status_ = 0,
              run_message_ = 0, run_wall_ = 0;
};

/// Throws std::length_error when the name of `net` or of one of its layers is longer than a result file
/// stores, naming the network (`spec`: as the sweep names it), the name and the limit. Checked before simulating, so the
/// points of such a network fail with this message instead of being simulated for nothing.
void check_storable(const workloads::Network& net, std::string_view spec);

/// 64-bit FNV-1a hash of the canonical text of a point's configuration (architecture + workload).
std::uint64_t config_hash(const DesignPoint& p);

}  // namespace eyesim::sweep
