// sim/run/outcome.cpp
#include "sim/run/outcome.hpp"

#include <fmt/format.h>

namespace rdusim {

void record_run_stats(StatsRegistry& st, const RunOutcome& o, const std::string& scope) {
  st.set("run.total_ns", o.total_ns, "ns", "simulated time of the scope");
  st.set("run.simulated_ns", o.simulated_ns, "ns", "time simulated in detail");
  st.set("run.launch_ns", o.launch_ns, "ns", "time spent launching kernels");
  st.set("run.collective_ns", o.collective_ns, "ns",
         "time in collective (all-reduce only) kernels, fixed collective cost included");
  st.set("run.allreduce_ns", o.collective_ns, "ns", "the same as run.collective_ns (its older name)");
  st.set("run.kernel_calls", double(o.kernel_calls), "count", "kernel launches");
  st.set("run.flops", o.flops, "flop", "floating-point operations (" + scope + ")");
  st.set("run.hbm_bytes", o.hbm_bytes, "bytes", "HBM traffic (" + scope + ")");
  st.set("run.pcu_utilization", o.pcu_busy_ns / (double(o.pcu_count) * o.total_ns), "ratio",
         "busy compute-unit time over (units x time), " + scope);
  st.set("run.hbm_bw_fraction", o.hbm_bytes / o.total_ns / o.hbm_peak_gbps, "ratio",
         "HBM bytes over (peak bandwidth x time), " + scope);
  st.set("run.roofline_ns", o.roofline_ns, "ns",
         "sum of per-section roofline bounds: max(flops / peak, bytes / datasheet rate per tier)");
  st.set("run.model_events", double(o.events), "count", "chunk steps, chunk loads and DRAM requests");
  add_breakdown_stats(st, o.breakdown);
}

namespace {

const char* phase_name(Phase p) { return p == Phase::kDecode ? "decode" : "prefill"; }
const char* scope_name(Scope s) { return s == Scope::kLayer ? "layer" : (s == Scope::kModel ? "model" : "router"); }

}  // namespace

nlohmann::json run_config(const nlohmann::json& machine, const nlohmann::json& model, const Scenario& sc) {
  nlohmann::json s = {{"machine", sc.machine},
                      {"model", sc.model},
                      {"phase", phase_name(sc.shape.phase)},
                      {"batch", sc.shape.batch},
                      {"seq", sc.shape.seq},
                      {"context", sc.shape.context},
                      {"tp", sc.shape.tp},
                      {"dtype_bytes", sc.shape.dtype_bytes},
                      {"fusion", fusion_name(sc.fusion)},
                      {"orchestration", sc.orchestration == Orchestration::kHost ? "host" : "device"},
                      {"scope", scope_name(sc.scope)},
                      {"chunks", sc.chunks},
                      {"file", sc.file}};
  if (!sc.composition.empty()) s["composition"] = sc.composition;
  s["machine_overrides"] = nlohmann::json(sc.machine_overrides);
  s["model_overrides"] = nlohmann::json(sc.model_overrides);
  return {{"machine", machine}, {"model", model}, {"scenario", s}};
}

namespace {

std::string section_rows(const SectionRecord& r) {
  std::string s = fmt::format("  {:<26} {:>5} {:>10.2f} {:>10.2f} {:>10.2f}\n", r.result.name.substr(0, 26),
                              r.pcus_used, r.result.launch_ns() / 1e3, r.result.exec_ns() / 1e3, r.roofline_ns / 1e3);
  if (r.result.stages.size() > 1 || r.result.stages.empty()) {
    for (const auto& st : r.result.stages) {
      s += fmt::format("    {:<24} {:>5} {:>10} {:>10} {:>10} {:>10.2f} {:>10.2f} {:>10.2f} {:>9.2f}\n",
                       st.name.substr(0, 24), st.pcus, "", "", "", st.times.compute_ns / 1e3,
                       st.times.wait_memory_ns / 1e3, st.times.wait_input_ns / 1e3, st.times.wait_output_ns / 1e3);
    }
    return s;
  }
  const auto& st = r.result.stages.front();
  s.pop_back();
  s += fmt::format(" {:>10.2f} {:>10.2f} {:>10.2f} {:>9.2f}\n", st.times.compute_ns / 1e3,
                   st.times.wait_memory_ns / 1e3, st.times.wait_input_ns / 1e3, st.times.wait_output_ns / 1e3);
  return s;
}

}  // namespace

std::string format_summary(const RunOutcome& o) {
  std::string s = fmt::format("rdusim run: {}\n", o.title);
  double us = o.total_ns / 1e3;
  s += fmt::format("  simulated time : {:.2f} us ({:.0f} cycles at {} GHz)\n", us, o.total_ns * o.clock_ghz,
                   o.clock_ghz);
  s += fmt::format("  kernels        : {} calls, {} {:.2f} us ({:.1f}% of the time)\n", o.kernel_calls,
                   o.call_lifecycle ? "call boundaries outside execute" : "launch overhead", o.launch_ns / 1e3,
                   100.0 * o.launch_ns / o.total_ns);
  s += fmt::format(
      "  achieved       : {:.2f} TFLOPS ({:.1f}% of {:.0f} peak), HBM {:.0f} GB/s ({:.1f}% of {:.0f} GB/s)\n",
      o.flops / o.total_ns / 1e3, 100.0 * o.flops / o.total_ns / 1e3 / o.peak_tflops, o.peak_tflops,
      o.hbm_bytes / o.total_ns, 100.0 * o.hbm_bytes / o.total_ns / o.hbm_peak_gbps, o.hbm_peak_gbps);
  s += fmt::format("  roofline bound : {:.2f} us; simulated / bound = {:.3f}\n", o.roofline_ns / 1e3,
                   o.total_ns / o.roofline_ns);
  if (o.call_lifecycle) s += format_breakdown(o.breakdown, o.total_ns);
  for (const auto& n : o.notes) s += "  note           : " + n + "\n";
  s += fmt::format("  {:<26} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9}\n", "section / stage", "pcus",
                   "launch us", "exec us", "bound us", "compute us", "wait mem", "wait in", "wait out");
  for (const auto& r : o.sections) s += section_rows(r);
  s += fmt::format("  simulator      : {} model events in {:.3f} s wall ({:.2f} M events/s)\n", o.events, o.wall_s,
                   o.events / o.wall_s / 1e6);
  return s;
}

}  // namespace rdusim
