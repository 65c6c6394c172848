// sim/run/target_rdu.cpp
// An SN40L node (kind "rdu"): sections of fused ops on each socket, launches by the host or the
// AGCUs (dataflow/launch.hpp), weights in HBM, the KV cache in HBM or spilled to DDR.
#include <fmt/format.h>

#include "dataflow/launch.hpp"
#include "dataflow/mapper.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/run/target.hpp"
#include "workloads/step_graphs.hpp"

namespace rdusim {
namespace {

class RduTarget final : public Target {
 public:
  RduTarget(const JsonReader& machine, const Scenario& sc)
      : m_mc(parse_machine(machine)), m_fusion(sc.fusion), m_orchestration(sc.orchestration) {
    if (sc.chunks) m_mc.replay.chunks_per_stream = sc.chunks;
    const SocketParams& s = m_mc.socket;
    m_traits = {m_mc.name,
                "all sockets",
                true,
                s.pcu.peak_tflops(),
                s.hbm.total_bandwidth_gbps(),
                s.ddr.total_bandwidth_gbps(),
                0.0,
                s.pcu.count,
                s.pcu.clock_ghz,
                {"hbm", "ddr"},
                RepeatLaunch::kRecomputed};
  }

  void check(const Scenario& sc, const Workload& w, const RunOptions&) override {
    if (sc.shape.tp > m_mc.sockets) {
      throw SimError(sc.file, "/tp",
                     fmt::format("tp={} exceeds the {} socket(s) of {}", sc.shape.tp, m_mc.sockets, m_mc.file));
    }
    m_kv_spilled = place_kv(w.model, sc.shape, w.file);
  }

  std::vector<std::string> leading_notes() const override {
    if (!m_kv_spilled) return {};
    return {"KV cache does not fit beside the weights in HBM: spilled to DDR"};
  }
  std::string trailing_note(const RunOutcome&, const Scenario&) const override { return ""; }

  NodeSpec node(uint32_t ranks) const override { return {"rdu", ranks, m_mc.socket, "p2p", m_mc.fabric, m_mc.replay}; }

  MappedGraph map(Graph& g, const std::string& graph_name) const override {
    if (m_kv_spilled) {
      for (auto v : boost::make_iterator_range(boost::vertices(g))) g[v].state_in_ddr = true;
    }
    return RduMapper(m_fusion, m_mc.socket, m_mc.replay).map(g, graph_name);
  }

  std::unique_ptr<CallSequencer> sequencer(Node& node, RunContext& ctx) const override {
    std::vector<Socket*> sockets;
    std::vector<Replayer*> replayers;
    for (uint32_t r = 0; r < node.ranks(); ++r)
      sockets.push_back(&node.socket(r)), replayers.push_back(&node.replayer(r));
    return std::make_unique<CallSequencer>(m_mc.socket.launch, m_mc.host_link, m_orchestration, sockets, replayers,
                                           node.fabric(), ctx);
  }
  std::string execution(const Scenario& sc) const override {
    return fmt::format("{}{}, {} orchestration", fusion_name(sc.fusion), sc.looped ? " (kernel looping)" : "",
                       sc.orchestration == Orchestration::kHost ? "host" : "device");
  }
  double trace_bin_ns() const override { return m_mc.replay.trace_bin_ns; }

 private:
  // Weights (per socket shard) must fit in HBM, the model's home tier; the KV cache goes to HBM
  // when it fits beside them, else it spills to DDR. Returns true when the KV cache spills.
  bool place_kv(const ModelConfig& m, const StepShape& s, const std::string& model_path) const {
    double weights = shard_weight_bytes(m, s), kv = shard_kv_bytes(m, s);
    double cap = m_mc.socket.hbm.capacity_bytes;
    if (weights > cap) {
      throw SimError(model_path, "",
                     fmt::format("does not fit in HBM: needs {:.1f} GB of weights per socket at tp={} but "
                                 "{}:/socket/hbm/capacity_gb gives {:.1f} GB",
                                 weights / 1e9, s.tp, m_mc.file, cap / 1e9));
    }
    if (weights + kv <= cap) return false;
    if (kv > m_mc.socket.ddr.capacity_bytes) {
      throw SimError(model_path, "",
                     fmt::format("KV cache of {:.1f} GB per socket fits neither beside the weights in HBM nor in "
                                 "{}:/socket/ddr/capacity_gb ({:.1f} GB)",
                                 kv / 1e9, m_mc.file, m_mc.socket.ddr.capacity_bytes / 1e9));
    }
    return true;
  }

  MachineConfig m_mc;
  Fusion m_fusion;
  Orchestration m_orchestration;
  bool m_kv_spilled = false;
};

}  // namespace

std::unique_ptr<Target> make_rdu_target(const JsonReader& machine, const Scenario& sc) {
  return std::make_unique<RduTarget>(machine, sc);
}

}  // namespace rdusim
