// Entry points of the chip model: simulate one layer or a whole network on one ArchSpec.
// Thread-safe in the sense that matters for sweeps: no shared mutable state; call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/index_loop.h"
#include "hw/arch_spec.h"
#include "hw/layer_result.h"
#include "hw/run_progress.h"
#include "workloads/layer_data.h"

namespace eyesim::hw {

/// Forces some mapping factors for experiments (0 = let the mapper choose). `layer` empty = every layer.
struct MappingOverride {
  std::string layer;
  std::uint32_t m0 = 0, c0 = 0, f0 = 0;
  std::uint32_t spatial_red = 0;  ///< partial sums reduced up a PE column (c-tiles x filter rows)
  std::uint32_t spatial_m = 0, spatial_g = 0, spatial_pos = 0;
};

/// How simulate_network chooses each layer's mapping (docs/model.md §2, "Mapping search by simulation").
enum class MapperMode : std::uint8_t {
  kEstimate,  ///< the mapper's analytical estimate picks one mapping (the default)
  kSimulate,  ///< the pick and the other candidates within a window of its estimate are simulated; fewest cycles wins
};

/// "estimate" | "simulate".
std::string_view to_string(MapperMode mode);
/// The mode named `name`, or nullopt.
std::optional<MapperMode> parse_mapper_mode(std::string_view name);

struct MapperSearch {
  MapperMode mode = MapperMode::kEstimate;
  /// kSimulate: candidates whose estimate is at most (1 + window) x the best estimate, in [0, kMaxWindow].
  double window = 0.05;
  /// kSimulate: at most this many candidates simulated per layer, the estimate's pick included, in [1, kMaxCandidates].
  std::uint32_t max_candidates = 8;
  static constexpr double kMaxWindow = 1.0;
  static constexpr std::uint32_t kMaxCandidates = 64;
  friend bool operator==(const MapperSearch&, const MapperSearch&) = default;
};

/// The out-of-range values of `search` ("mapper.window", "must be in [0, 1] (got 2)"); empty when valid.
std::vector<ConfigIssue> validate(const MapperSearch& search);

/// "estimate", or "simulate (window 0.05, up to 8 candidates)": how results were made, for headers and provenance.
std::string describe(const MapperSearch& search);

struct RunOptions {
  bool verify = false;          ///< functional mode: carry values and compare with reference_conv
  bool collect_traces = true;   ///< fill LayerTraces (per-PE and per-port vectors)
  /// The first entry naming the layer (or with no layer) applies (find_override); mapping files are
  /// refused when that would leave one of their entries unused (sweep/mapping_file.h).
  std::vector<MappingOverride> forced_mappings;
  /// simulate_network: simulate the first `max_layers` layers only (0: all). The layer after the last one
  /// simulated still tells what that one writes (written_oact_density).
  std::size_t max_layers = 0;
  /// How each layer's mapping is chosen; a layer with a forced mapping (above) is not searched. kSimulate
  /// simulates each candidate without traces or verification, keeps the fewest cycles (ties: less chip
  /// energy, then the better estimate), and runs the chosen one again with these options when they ask for
  /// traces or verification: the layer's result equals a run of that mapping forced.
  MapperSearch mapper{};
  /// Advanced as the layers and the candidates of a search are simulated, for a progress display on another
  /// thread (not owned; nullptr: none). Sized to the layers simulated (simulate_network throws
  /// std::invalid_argument otherwise; simulate_layer reports as layer 0 of 1). The results do not depend on it.
  RunProgress* progress = nullptr;
};

/// The layer cannot be mapped onto the architecture (e.g. a weight column exceeds every SPad).
class MappingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Functional mode found an output that differs from the reference convolution.
class VerifyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The density of what layer `i` of `net` writes to DRAM: its output after the ReLU, whose zeros are
/// those the next layer reads when the next layer consumes this output, i.e. its input holds this
/// layer's G*M channels on at most E x F positions (equal: read directly; fewer: pooled in between; or
/// flattened after pooling into a fully connected layer with C = G*M x positions). The chip writes the
/// whole E x F map (no chip model pools; the pooled map is the next layer's input) and the density is
/// that of the map the next layer reads (its generated non-zeros, so a sweep's scaled densities and
/// mask files count). With pooling in between that is an estimate from above: a max- (or average-)
/// pooled ReLU value is zero only when its whole window is (docs/calibration.md `dram.fmap_rlc`).
/// nullopt (written raw) when the layer is the last of `net` or the next layer reads something else.
/// Functional mode uses the same density: eyesim applies no ReLU (the outputs are the raw psums
/// compared with reference_conv), and the next layer's input is generated, not this output.
std::optional<double> written_oact_density(const workloads::NetworkData& net, std::size_t i);

/// Requires validate(arch) to be empty (checked: throws std::invalid_argument listing the issues).
LayerResult simulate_layer(const ArchSpec& arch, const workloads::LayerData& layer, const RunOptions& options = {});
/// Every layer (the first `options.max_layers`), then the totals. The layers are independent (each from
/// its own data; only storage and the mapper's caches are reused between the layers one thread runs), so
/// `layers` may run them concurrently and the result is the same, bit for bit; an error is the first
/// failing layer's in network order. Then `done` (if given) holds the results of the layers before that one,
/// the same whatever `layers` (a caller shows what was computed before the error).
NetworkResult simulate_network(const ArchSpec& arch, const workloads::NetworkData& net, const RunOptions& options = {},
                               const IndexLoop& layers = serial_loop, std::vector<LayerResult>* done = nullptr);

}  // namespace eyesim::hw
