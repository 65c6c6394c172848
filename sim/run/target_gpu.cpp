// sim/run/target_gpu.cpp
// A DGX (kind "gpu": DGX A100, DGX H100): each of the tp GPUs runs the graph kernel by kernel
// (dataflow/gpu_mapper.hpp) with a launch overhead per kernel; all-reduces go through the NVLink
// fabric (interconnect/nvlink.hpp) and pay NCCL's fixed cost. GPU 0 is reported.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "dataflow/gpu_mapper.hpp"
#include "interconnect/nvlink.hpp"
#include "sim/config/gpu_config.hpp"
#include "sim/run/target.hpp"

namespace rdusim {
namespace {

// The rows of queries that share one K/V tile in attention (GQA packs a KV head's query heads).
uint64_t attention_rows(const ModelConfig& m, const StepShape& s) {
  uint64_t group = std::max<uint64_t>(1, m.heads / std::max<uint64_t>(1, m.kv_heads));
  return s.phase == Phase::kDecode ? uint64_t(s.seq) * group : s.seq;
}

// Where scenario key `key` came from: the command-line flag, else the scenario file's pointer.
[[noreturn]] void reject(const Scenario& sc, const RunOptions& opt, const std::string& key, const std::string& msg) {
  if (opt.cli_keys.count(key)) throw SimError("<command line>", "--" + key, msg);
  throw SimError(sc.file, "/" + key, msg);
}

// The key that set device orchestration: "orchestration", or "fusion" by "fused-ho".
std::string orchestration_key(const Scenario& sc, const RunOptions& opt) {
  if (opt.cli_keys.count("orchestration")) return "orchestration";
  if (opt.cli_keys.count("fusion")) return "fusion";
  if (std::filesystem::is_regular_file(sc.file) && !JsonReader::load_file(sc.file).has("orchestration"))
    return "fusion";
  return "orchestration";
}

class GpuTarget final : public Target {
 public:
  GpuTarget(const JsonReader& machine, const Scenario& sc) : m_mc(parse_gpu_machine(machine)) {
    if (sc.chunks) m_mc.replay.chunks_per_stream = sc.chunks;
    const SocketParams& g = m_mc.gpu;
    m_traits = {m_mc.name,
                "GPU 0",
                false,
                g.pcu.peak_tflops(),
                m_mc.hbm_peak_gbps,
                g.ddr.total_bandwidth_gbps(),
                m_mc.nvlink.collective_base_ns,
                g.pcu.count,
                g.pcu.clock_ghz,
                {"hbm"},
                RepeatLaunch::kSameAsFirst};
  }

  // A GPU runs kernel by kernel, each kernel launched by the host: only fusion "fused" (the kernel
  // groups of the graph) and orchestration "host" describe it.
  void check(const Scenario& sc, const Workload& w, const RunOptions& opt) override {
    if (sc.fusion != Fusion::kFused) {
      reject(sc, opt, "fusion",
             fmt::format("\"{}\" does not apply to {}: a GPU runs kernel by kernel (accepted: fused, fused-so)",
                         fusion_name(sc.fusion), m_mc.name));
    }
    if (sc.orchestration != Orchestration::kHost) {
      reject(sc, opt, orchestration_key(sc, opt),
             fmt::format("device orchestration does not apply to {}: the host launches every GPU kernel "
                         "(accepted: orchestration host, fusion fused or fused-so)",
                         m_mc.name));
    }
    if (sc.shape.tp > m_mc.gpus) {
      throw SimError(sc.file, "/tp",
                     fmt::format("tp={} exceeds the {} GPU(s) of {}", sc.shape.tp, m_mc.gpus, m_mc.file));
    }
    check_fits(w.model, sc.shape, w.file);
    m_context = {
        m_mc.gpu, m_mc.gemm, m_mc.replay, m_mc.units_per_sm, sc.shape.dtype_bytes, attention_rows(w.model, sc.shape)};
  }

  std::string trailing_note(const RunOutcome& o, const Scenario& sc) const override {
    return fmt::format(
        "{} GPU(s) simulated, GPU 0 reported; all-reduces {:.2f} us ({:.1f}% of the time, "
        "NCCL fixed cost included) on NVLink",
        sc.shape.tp, o.collective_ns / 1e3, 100.0 * o.collective_ns / std::max(o.total_ns, 1e-9));
  }

  NodeSpec node(uint32_t ranks) const override {
    return {"gpu", ranks, m_mc.gpu, "nvlink", nvlink_fabric(m_mc.nvlink, ranks), m_mc.replay};
  }
  MappedGraph map(Graph& g, const std::string& graph_name) const override {
    return GpuMapper(m_context).map(g, graph_name);
  }
  double schedule_launch_ns() const override { return 0.0; }
  // Launch (and prologue) before every kernel; an all-reduce also pays NCCL's fixed cost.
  double launch_ns(const KernelPlan& k, const std::string&) const override {
    return m_mc.kernel_overhead_ns() + (k.collective ? m_mc.nvlink.collective_base_ns : 0.0);
  }
  std::string execution(const Scenario&) const override { return "kernel by kernel"; }
  double trace_bin_ns() const override { return m_mc.replay.trace_bin_ns; }

 private:
  // Weights and KV cache shards live in each GPU's HBM.
  void check_fits(const ModelConfig& m, const StepShape& s, const std::string& model_path) const {
    double weights = shard_weight_bytes(m, s), kv = shard_kv_bytes(m, s);
    double cap = m_mc.gpu.hbm.capacity_bytes;
    if (weights + kv <= cap) return;
    throw SimError(
        model_path, "",
        fmt::format("does not fit in HBM: needs {:.1f} GB per GPU (weights {:.1f} GB + KV cache {:.1f} GB at "
                    "tp={}) but {}:/gpu/hbm/capacity_gb gives {:.1f} GB",
                    (weights + kv) / 1e9, weights / 1e9, kv / 1e9, s.tp, m_mc.file, cap / 1e9));
  }

  GpuMachineConfig m_mc;
  GpuMapContext m_context;
};

}  // namespace

std::unique_ptr<Target> make_gpu_target(const JsonReader& machine, const Scenario& sc) {
  return std::make_unique<GpuTarget>(machine, sc);
}

std::unique_ptr<Target> make_target(const JsonReader& machine, const Scenario& sc) {
  if (machine_kind(machine) == "gpu") return make_gpu_target(machine, sc);
  return make_rdu_target(machine, sc);
}

}  // namespace rdusim
