// Mapping rules: dependencies by mode, PCU allocation, sectioning, SRAM checks.
#include <catch2/catch.hpp>

#include "dataflow/mapper.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/scenario.hpp"

using namespace rdusim;

namespace {
MachineConfig machine() { return load_machine_file(resolve_config("sn40l", "configs/machines")); }
ModelConfig llama() { return load_model_file(resolve_config("llama2-7b", "workloads/models")); }
StepShape decode() {
  StepShape s;
  s.context = 4096;
  return s;
}
}  // namespace

TEST_CASE("weight-streaming contractions need their whole input; token streams are proportional", "[mapper]") {
  CHECK(dependency(OpKind::kGemm, OpKind::kNorm, StreamMode::kWeight) == Dep::kAll);
  CHECK(dependency(OpKind::kElementwise, OpKind::kGemm, StreamMode::kWeight) == Dep::kProportional);
  CHECK(dependency(OpKind::kAttnValue, OpKind::kSoftmax, StreamMode::kWeight) == Dep::kProportional);
  CHECK(dependency(OpKind::kGemm, OpKind::kNorm, StreamMode::kToken) == Dep::kProportional);
  CHECK(dependency(OpKind::kAttnScore, OpKind::kRope, StreamMode::kToken) == Dep::kPrefix);
}

TEST_CASE("unfused mapping makes one kernel per operator, its intermediates on chip and its outputs in HBM",
          "[mapper]") {
  MachineConfig m = machine();
  Graph g = build_decoder_layer(llama(), decode());
  auto plans = map_graph(g, Fusion::kUnfused, m.socket, m.replay, "layer");
  // The operators of a Llama layer at TP1 (workloads/decoder.cpp names them): RMSNorm, QKV projection,
  // RoPE, attention, O projection, residual add + RMSNorm, gate/up projection, SiLU x mul, down
  // projection, residual add.
  std::vector<std::string> names;
  for (const auto& p : plans) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"layer.attn_norm", "layer.qkv", "layer.rope", "layer.attention",
                                          "layer.o_proj", "layer.norm2", "layer.gate_up", "layer.act_mul",
                                          "layer.down_proj", "layer.mlp_residual"});
  double flops = 0;
  uint64_t weights = 0;
  for (const auto& p : plans) {
    flops += p.flops;
    CHECK(p.pcus_used <= m.socket.pcu.count);
    for (const auto& st : p.stages) {
      for (const auto& l : st.loads)
        if (l.name.ends_with(".weights")) weights += l.bytes;
    }
  }
  CHECK(flops == Approx(totals(g).flops));
  CHECK(weights == totals(g).weight_bytes);
  // Inside the attention operator the scores and probabilities stay on chip: only P V is written.
  const auto& attn = plans[3];
  REQUIRE(attn.stages.size() == 3);
  CHECK(attn.stages[0].write_bytes == 0);
  CHECK(attn.stages[1].write_bytes == 0);
  CHECK(attn.stages[2].write_bytes > 0);
}

TEST_CASE("unfused-eager mapping makes one section per PyTorch-eager kernel, each on all PCUs", "[mapper]") {
  MachineConfig m = machine();
  Graph g = build_decoder_layer(llama(), decode());
  auto plans = map_graph(g, Fusion::kUnfusedEager, m.socket, m.replay, "layer");
  size_t eager = 0;
  double flops = 0;
  for (auto v : boost::make_iterator_range(boost::vertices(g)))
    if (g[v].kind != OpKind::kInput) eager += g[v].eager_kernels;
  for (const auto& p : plans) flops += p.flops;
  CHECK(plans.size() == eager);
  CHECK(plans.size() > totals(g).ops);
  CHECK(flops == Approx(totals(g).flops));  // splitting an op into kernels keeps its FLOPs
  for (const auto& p : plans) {
    REQUIRE(p.stages.size() == 1);
    CHECK(p.stages[0].pcus <= m.socket.pcu.count);
  }
}

TEST_CASE("a fused decode layer is one weight-streaming section within the PCU budget", "[mapper]") {
  MachineConfig m = machine();
  Graph g = build_decoder_layer(llama(), decode());
  auto plans = map_graph(g, Fusion::kFused, m.socket, m.replay, "layer");
  REQUIRE(plans.size() == 1);
  CHECK(plans[0].mode == StreamMode::kWeight);
  CHECK(plans[0].pcus_used <= m.socket.pcu.count * m.replay.fused_pcu_fraction + plans[0].stages.size());
  CHECK(plans[0].sram_bytes <= m.socket.pmu.usable_bytes());
  // Every weight byte of the layer is loaded exactly once.
  uint64_t w = 0;
  for (const auto& st : plans[0].stages)
    for (const auto& l : st.loads)
      if (l.name.ends_with(".weights")) w += l.bytes;
  CHECK(w == totals(g).weight_bytes);
}

TEST_CASE("fusion splits a section that does not fit in PMU SRAM, and every split fits", "[mapper]") {
  MachineConfig m = machine();
  StepShape s;
  s.phase = Phase::kPrefill;
  s.seq = 4096;
  Graph g = build_decoder_layer(llama(), s);
  auto plans = map_graph(g, Fusion::kFused, m.socket, m.replay, "layer");
  size_t stages = 0;
  for (const auto& p : plans) {
    CHECK(p.mode == StreamMode::kToken);
    CHECK(p.sram_bytes <= m.socket.pmu.usable_bytes());
    stages += p.stages.size();
  }
  CHECK(stages == totals(g).ops);
}
