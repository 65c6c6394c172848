// Kernel-free tests of the GPU machines: the per-kernel efficiency model, kernel grouping, the
// DGX configs and the all-reduce closed form.
#include <catch2/catch.hpp>

#include "dataflow/gpu_mapper.hpp"
#include "sim/config/gpu_config.hpp"
#include "sim/config/scenario.hpp"
#include "workloads/decoder.hpp"

using namespace rdusim;

namespace {
GpuMachineConfig dgx(const std::string& name) {
  return parse_gpu_machine(JsonReader::load_file(resolve_config(name, "configs/machines")));
}
ModelConfig model(const std::string& name) {
  return parse_model(JsonReader::load_file(resolve_config(name, "workloads/models")));
}
}  // namespace

TEST_CASE("GEMM efficiency: large GEMMs reach the peak fraction, skinny ones the MMA row share", "[gpu]") {
  GemmTileParams p;  // 16 / 128 x 128 / 0.8
  CHECK(gemm_efficiency(p, 108, 8192, 8192, 8192) == Approx(0.8 * 4096.0 / (38 * 108)).epsilon(1e-9));
  CHECK(gemm_efficiency(p, 108, 1, 4096, 4096) == Approx(0.8 / 16));
  CHECK(gemm_efficiency(p, 108, 16, 4096, 4096) == Approx(0.8));
  // One tile more than the SMs: the second wave runs one tile, half the time is lost.
  CHECK(gemm_efficiency(p, 108, 128, 109 * 128, 4096) == Approx(0.8 * 109.0 / 216));
  // Tile height shrinks to the next multiple of 16 rows: 40 rows pad to 48.
  CHECK(gemm_efficiency(p, 108, 40, 108 * 128, 4096) == Approx(0.8 * 40.0 / 48));
  for (uint64_t m : {1, 7, 16, 17, 100, 128, 129, 2048, 8192}) {
    double e = gemm_efficiency(p, 132, m, 12288, 4096);
    CHECK(e > 0.0);
    CHECK(e <= 0.8 + 1e-12);
  }
  CHECK(attention_efficiency(p, 1) == Approx(0.05));
  CHECK(attention_efficiency(p, 2048) == Approx(0.8));
}

TEST_CASE("a decoder layer runs as 10-15 kernels on a GPU, plus two all-reduces under TP", "[gpu]") {
  ModelConfig m = model("llama2-7b");
  for (uint32_t tp : {1u, 8u}) {
    StepShape s;
    s.context = 128;
    s.tp = tp;
    Graph g = build_decoder_layer(m, s);
    auto kernels = gpu_kernels(g);
    size_t collectives = 0;
    for (const auto& k : kernels) collectives += g[k[0]].kind == OpKind::kAllReduce ? 1 : 0;
    INFO("tp " << tp);
    CHECK(kernels.size() - collectives >= 8);
    CHECK(kernels.size() - collectives <= 15);
    CHECK(collectives == (tp > 1 ? 2u : 0u));
    // Every op appears once; a kernel never precedes one it reads from.
    size_t ops = 0;
    for (const auto& k : kernels) ops += k.size();
    CHECK(ops == boost::num_vertices(g) - 1);
  }
}

TEST_CASE("the DGX configs carry the datasheet numbers", "[gpu][config]") {
  GpuMachineConfig a = dgx("dgx-a100"), h = dgx("dgx-h100");
  CHECK(a.gpus == 8);
  CHECK(h.gpus == 8);
  CHECK(a.gpu.pcu.peak_tflops() == Approx(312.0));
  CHECK(h.gpu.pcu.peak_tflops() == Approx(989.0));
  CHECK(a.hbm_peak_gbps == Approx(2039.0));
  CHECK(h.hbm_peak_gbps == Approx(3350.0));
  CHECK(a.gpu.hbm.capacity_bytes == Approx(80e9));
  CHECK(a.gpu.ddr.capacity_bytes == Approx(2048e9));
  CHECK(a.pcie.paper_gbps == Approx(32.0));
  CHECK(h.pcie.paper_gbps == Approx(64.0));
  CHECK(a.pcie.dma_gbps() == Approx(25.5).epsilon(0.01));
  CHECK(a.nvlink.bandwidth_gbps == Approx(300.0));
  CHECK(h.nvlink.bandwidth_gbps == Approx(450.0));
  CHECK(machine_kind(JsonReader::load_file(resolve_config("sn40l", "configs/machines"))) == "rdu");
}

TEST_CASE("bad GPU machine values name the file and the JSON path", "[gpu][config]") {
  nlohmann::json j = JsonReader::load_file(resolve_config("dgx-a100", "configs/machines")).raw();
  auto err = [](nlohmann::json d) {
    try {
      parse_gpu_machine(JsonReader::from_json(d, "dgx.json"));
    } catch (const SimError& e) {
      return e.one_line();
    }
    return std::string();
  };
  nlohmann::json bad = j;
  bad["gpu"]["hbm"]["sustained_fraction"] = 1.5;
  CHECK(err(bad).find("dgx.json:/gpu/hbm/sustained_fraction: must be in (0, 1]") == 0);
  bad = j;
  bad["pcie"].erase("paper_gbps");
  CHECK(err(bad) == "dgx.json:/pcie/paper_gbps: required key missing");
  bad = j;
  bad["nvlink"]["bandwith_gbps"] = 1;
  CHECK(err(bad).find("dgx.json:/nvlink/bandwith_gbps: unknown key") == 0);
}

TEST_CASE("ring all-reduce closed form: 2(n-1) steps of bytes/n", "[gpu]") {
  NvlinkParams p{300.0, 1000.0, 5000.0};
  CHECK(allreduce_steps_ns(p, 8192, 1) == 0.0);
  CHECK(allreduce_steps_ns(p, 8192, 2) == Approx(2 * (1000.0 + 4096 / 300.0)));
  CHECK(allreduce_steps_ns(p, 8ull << 20, 8) == Approx(14 * (1000.0 + (1ull << 20) / 300.0)));
  FabricParams f = nvlink_fabric(p, 8);
  CHECK(f.topology == "full_mesh");
  CHECK(f.algorithm == "ring");
  CHECK(f.link.bandwidth_gbps == 300.0);
}
