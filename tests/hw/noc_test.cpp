// NoC transfers: idle-mesh latency, back-pressure, port assignment, flat buses.
#include <doctest/doctest.h>

#include <vector>

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
    const std::uint32_t bus = arch.noc.iact_port_bits;  // ten words, then one
    const Transfer a = noc.send(DataType::kIact, noc.port_of(DataType::kIact, 0), 0, 10 * bus, 1);
    const Transfer b = noc.send(DataType::kIact, noc.port_of(DataType::kIact, 100), 0, bus, 1);
    CHECK(a.end == 10);
    CHECK(b.start == 10);
  }
}
}  // namespace eyesim::hw

namespace eyesim::hw {
namespace {
/// Every PE of every cluster whose local index is `local` (interleaved multicast) or all PEs (local = ~0).
std::vector<std::uint32_t> pes_at(const ArchSpec& arch, std::uint32_t local) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t pe = 0; pe < arch.pes(); ++pe)
    if (local == ~0u || pe % arch.pes_per_cluster() == local) out.push_back(pe);
  return out;
}
}  // namespace

TEST_SUITE("fast") {
  TEST_CASE("an iact broadcast on the 8x2 mesh is an XY tree reaching every cluster") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    const auto all = pes_at(arch, ~0u);
    const Route r = noc.route(DataType::kIact, 0, all);
    CHECK(r.clusters == 16);
    CHECK(r.injections == 1);
    CHECK(r.links == 1 + 7 + 7);     // one link east on row 0, then down both columns
    CHECK(r.max_hops == 1 + 1 + 7);  // farthest cluster (7, 1), plus the hop into its PE cluster
    // Interleaved multicast (same-position PE of every cluster) needs the same tree.
    const Route i = noc.route(DataType::kIact, 5, pes_at(arch, 5));
    CHECK(i.clusters == 16);
    CHECK(i.links == 15);
  }

  TEST_CASE("a grouped multicast stays inside its cluster and a unicast reaches one PE") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    const std::uint32_t ppc = arch.pes_per_cluster();
    std::vector<std::uint32_t> cluster3;
    for (std::uint32_t p = 3 * ppc; p < 4 * ppc; ++p) cluster3.push_back(p);
    const Route g = noc.route(DataType::kIact, 3 * ppc, cluster3);
    CHECK(g.clusters == 1);
    CHECK(g.links == 0);
    CHECK(g.max_hops == 1);
    const std::uint32_t one[] = {5 * ppc + 2};
    const Route u = noc.route(DataType::kIact, 0, one);  // cluster 0 (0,0) to cluster 5 (2,1)
    CHECK(u.clusters == 1);
    CHECK(u.links == 3);
    CHECK(u.max_hops == 4);
  }

  TEST_CASE("weights come from off-chip: a broadcast enters every cluster through its own router, no mesh link") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    const Route r = noc.route(DataType::kWeight, 0, pes_at(arch, ~0u));
    CHECK(r.clusters == 16);
    CHECK(r.injections == 16);
    CHECK(r.links == 0);
    CHECK(r.max_hops == 1);
    const Transfer x = noc.multicast(DataType::kWeight, 0, pes_at(arch, ~0u), 0, 48);
    CHECK(x.end == 2);
    CHECK(x.arrival == 2 + arch.noc.hop_latency_cycles);
    CHECK(noc.transfers(DataType::kWeight) == 1);
    CHECK(noc.bit_hops(DataType::kWeight) == 48 * 16);
    // The injections use the weight router of the source PE's row in every cluster: each of those 16
    // ports carried the 48 bits, no other weight port did.
    const std::uint32_t ppc = arch.pes_per_cluster();
    for (std::uint32_t c = 0; c < arch.clusters(); ++c) {
      CHECK(noc.ports()[noc.port_of(DataType::kWeight, c * ppc)].bits == 48);
      CHECK(noc.ports()[noc.port_of(DataType::kWeight, c * ppc + 1)].bits == 0);
    }
  }

  TEST_CASE("each injection of a multicast waits only for its own port") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    const std::uint32_t ppc = arch.pes_per_cluster();
    // Cluster 1's weight port of PE row 0 is busy until cycle 10.
    const std::uint32_t in_cluster1[] = {ppc};
    CHECK(noc.multicast(DataType::kWeight, 0, in_cluster1, 0, 240).end == 10);
    // A tile for clusters 0 and 1: cluster 0's injection goes at once, cluster 1's at 10; the transfer
    // is complete when the later one is.
    const std::uint32_t both[] = {0, ppc};
    const Transfer x = noc.multicast(DataType::kWeight, 0, both, 0, 48);
    CHECK(x.start == 10);
    CHECK(x.end == 12);
    // Cluster 0's port was held only for its own 2 cycles: the next tile for cluster 0 starts at 2.
    const std::uint32_t cluster0[] = {0};
    CHECK(noc.multicast(DataType::kWeight, 0, cluster0, 0, 48).start == 2);
  }

  TEST_CASE("a multicast starts only when its port and every link of its tree are free") {
    const ArchSpec arch = *preset("eyeriss_v2");
    Noc noc(arch);
    const std::uint32_t ppc = arch.pes_per_cluster();
    // Cluster 0 -> cluster 4 (row 2, col 0) holds the south links of (0,0) and (1,0) for 10 cycles.
    const std::uint32_t far[] = {4 * ppc};
    const Transfer a = noc.multicast(DataType::kIact, 0, far, 0, 240);
    CHECK(a.start == 0);
    CHECK(a.end == 10);
    CHECK(a.arrival == 10 + 3 * arch.noc.hop_latency_cycles);
    // Cluster 2 (row 1, col 0) -> cluster 6 (row 3): its own port is idle but the link (1,0)->(2,0) is held.
    const std::uint32_t below[] = {6 * ppc};
    const Transfer b = noc.multicast(DataType::kIact, 2 * ppc, below, 1, 24);
    CHECK(b.start == 10);
    // Cluster 1 (row 0, col 1) -> its own cluster: nothing shared, starts at once.
    const std::uint32_t own[] = {ppc + 1};
    const Transfer c = noc.multicast(DataType::kIact, ppc + 1, own, 1, 24);
    CHECK(c.start == 1);
  }

  TEST_CASE("on a flat bus every multicast is one hop and all of them share the bus") {
    const ArchSpec arch = *preset("eyeriss_v1_scaled");
    Noc noc(arch);
    const auto all = pes_at(arch, ~0u);
    const Route r = noc.route(DataType::kWeight, 7, all);
    CHECK(r.injections == 1);
    CHECK(r.links == 1);  // the Y-bus (energy only)
    CHECK(r.max_hops == 1);
    const std::uint32_t bus = arch.noc.weight_port_bits;  // ten words, then one
    const Transfer a = noc.multicast(DataType::kWeight, 7, all, 0, 10 * bus);
    const std::uint32_t one[] = {3};
    const Transfer b = noc.multicast(DataType::kWeight, 3, one, 0, bus);
    CHECK(a.end == 10);
    CHECK(b.start == 10);
  }

  TEST_CASE("V1's tagged bus interleaves words: a queued transfer's first word goes at once, its last after the earlier ones") {
    // V1 §IV-B: every word on a GIN bus carries its own (row, col) tag, so two rows queued on the ifmap
    // bus interleave word by word. The bus stays work-conserving: the second row's last word still
    // waits for every word queued before it.
    const ArchSpec v1 = *preset("eyeriss_v1_jssc");
    Noc flat(v1);
    const std::uint32_t one[] = {3}, other[] = {40};
    const Transfer a = flat.multicast(DataType::kIact, 0, one, 0, 16 * 40);  // 40 cycles on the 16-bit bus
    const Transfer b = flat.multicast(DataType::kIact, 30, other, 5, 16 * 10);
    CHECK(a.first_word == 0 + 1 + 1);  // one hop, and the word itself
    CHECK(b.first_word == 5 + 1 + 1);  // not after a's 40 cycles
    CHECK(b.start == 40);
    CHECK(b.arrival == 40 + 10 + 1);
    // The mesh is circuit-switched: a transfer holds its circuit, so a queued one's first word waits.
    const ArchSpec v2 = *preset("eyeriss_v2");
    Noc mesh(v2);
    const std::uint32_t port = mesh.port_of(DataType::kPsum, 0);
    mesh.send(DataType::kPsum, port, 0, 400, 1);  // 10 cycles at 40 b
    const Transfer c = mesh.send(DataType::kPsum, port, 3, 40, 1);
    CHECK(c.start == 10);
    CHECK(c.first_word == 10 + 1 + 1);
  }

  TEST_CASE("a flat-bus multicast drives the Y-bus and the X-bus of every PE row it reaches") {
    const ArchSpec arch = *preset("eyeriss_v1_scaled");
    Noc noc(arch);
    const std::uint32_t rows = arch.array.pe_rows;
    // PEs are numbered column-major: pe % rows is the row. Three PEs in rows 0 and 2, one in row 5.
    const std::uint32_t dests[] = {0, 2, rows + 2, 5};
    CHECK(noc.route(DataType::kIact, 0, dests).clusters == 3);
    noc.multicast(DataType::kIact, 0, dests, 0, 16);
    CHECK(noc.bit_hops(DataType::kIact) == 16 * (1 + 3));
    const Route all = noc.route(DataType::kIact, 0, pes_at(arch, ~0u));
    CHECK(all.clusters == rows);
  }
}
}  // namespace eyesim::hw
