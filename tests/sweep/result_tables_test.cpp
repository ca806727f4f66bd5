// The result tables' schema: units, string columns (identities refused when they do not fit, messages
// cut visibly), and which network identity the rows carry.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "sweep/result_tables.h"

namespace eyesim::sweep {

TEST_SUITE("fast") {
  TEST_CASE("the units attribute names bit-hops for NoC traffic and PE-cycles for counters summed over PEs") {
    const ResultTables t;
    const std::string layers = ResultTables::units_json(t.layers());
    for (const char* data : {"iact", "weight", "psum"}) {
      CAPTURE(data);
      CHECK(layers.find(fmt::format("\"noc_{}_bits\": \"bit-hops\"", data)) != std::string::npos);
    }
    for (const char* c : {"busy_pe_cycles", "zero_iact_pe_cycles", "stall_iact_cycles", "stall_weight_cycles",
                          "stall_psum_cycles", "stall_dram_cycles", "stall_noc_cycles"}) {
      CAPTURE(c);
      CHECK(layers.find(fmt::format("\"{}\": \"PE-cycles\"", c)) != std::string::npos);
    }
    CHECK(layers.find("\"cycles\": \"cycles\"") != std::string::npos);
    CHECK(layers.find("\"dram_iact_read_bytes\": \"bytes\"") != std::string::npos);
    const std::string configs = ResultTables::units_json(t.configs());
    CHECK(configs.find("\"arch.noc.iact_port_bits\": \"bits\"") != std::string::npos);  // a width: bits
    CHECK(configs.find("\"arch.energy.noc_pj_per_bit_hop\": \"pJ/bit-hop\"") != std::string::npos);
    CHECK(configs.find("\"arch.energy.glb_pj_per_bit\": \"pJ/bit\"") != std::string::npos);
    CHECK(configs.find("\"arch.energy.clock_pj_per_pe_cycle\": \"pJ/PE-cycle\"") != std::string::npos);
    CHECK(configs.find("\"arch.dram.latency_cycles\": \"cycles\"") != std::string::npos);
  }
}

}  // namespace eyesim::sweep
