// NoC transfers: idle-mesh latency, back-pressure, port assignment, flat buses.
#include <doctest/doctest.h>

#include "hw/noc.h"
#include "hw/presets.h"

namespace eyesim::hw {
TEST_SUITE("fast") {
  TEST_CASE("an idle-mesh transfer takes ceil(bits / width) cycles plus its hops") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    const std::uint32_t ppc = arch.pes_per_cluster();
    // Cluster 0 (row 0, col 0) to cluster 3 (row 1, col 1): Manhattan 2, plus the hop into the PE cluster.
    CHECK(noc.hops(0, 3 * ppc) == 3);
    CHECK(noc.hops(0, 5) == 1);
    const Transfer x = noc.send(DataType::kIact, noc.port_of(DataType::kIact, 0), 10, 100, 3);
    CHECK(x.start == 10);
    CHECK(x.end == 10 + (100 + 23) / 24);
    CHECK(x.arrival == x.end + 3 * arch.noc.hop_latency_cycles);
    CHECK(noc.bit_hops(DataType::kIact) == 300);
  }

  TEST_CASE("back-pressure: a transfer on a busy port waits until it is free") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    const std::uint32_t port = noc.port_of(DataType::kPsum, 0);
    const Transfer a = noc.send(DataType::kPsum, port, 0, 400, 1);  // 10 cycles at 40 b
    const Transfer b = noc.send(DataType::kPsum, port, 3, 40, 1);
    CHECK(a.end == 10);
    CHECK(b.start == 10);
    CHECK(b.end == 11);
    // Another column's psum router is independent.
    const Transfer c = noc.send(DataType::kPsum, noc.port_of(DataType::kPsum, arch.array.pe_rows), 3, 40, 1);
    CHECK(c.start == 3);
  }

  TEST_CASE("PEs use their cluster's router for their row (iacts / weights) and column (psums)") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    // Column-major inside the 3x4 cluster: PEs 0,1,2 form column 0; 3,4,5 column 1.
    CHECK(noc.port_of(DataType::kPsum, 0) == noc.port_of(DataType::kPsum, 2));
    CHECK(noc.port_of(DataType::kPsum, 0) != noc.port_of(DataType::kPsum, 3));
    CHECK(noc.port_of(DataType::kIact, 0) == noc.port_of(DataType::kIact, 3));
    CHECK(noc.port_of(DataType::kIact, 0) != noc.port_of(DataType::kIact, 1));
    CHECK(noc.port_of(DataType::kIact, 0) != noc.port_of(DataType::kIact, arch.pes_per_cluster()));
    CHECK(noc.ports().size() == arch.clusters() * (3 + 3 + 4));
  }

  TEST_CASE("a flat multicast NoC has one bus per data type shared by every PE") {
    const ArchSpec arch = *preset("eyeriss_v1_scaled");
    Noc noc(arch);
    CHECK(noc.ports().size() == 3);
    CHECK(noc.port_of(DataType::kIact, 0) == noc.port_of(DataType::kIact, 191));
    CHECK(noc.hops(0, 191) == 1);
    const Transfer a = noc.send(DataType::kIact, noc.port_of(DataType::kIact, 0), 0, 160, 1);
    const Transfer b = noc.send(DataType::kIact, noc.port_of(DataType::kIact, 100), 0, 16, 1);
    CHECK(a.end == 10);
    CHECK(b.start == 10);
  }
}
}  // namespace eyesim::hw
