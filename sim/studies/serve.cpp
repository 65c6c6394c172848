// sim/studies/serve.cpp
// `rdusim serve`: a Composition of Experts served on an RDU node on one simulated timeline: the
// router pass, each expert switch (DDR -> HBM on every socket at once, through the DMA engines and
// channels), each expert's prefill and decode, with the tier allocator's LRU deciding residency.
// Batch mode: `batch` prompts at t = 0, the router runs once on all of them, then each (prompt,
// expert) pair in turn. Stream mode: requests arrive from a seeded Poisson process or a trace file
// and are served first come, first served. The trace shows all of it in Perfetto.
// Repetition is honest and visible: one decoder layer per signature and the first decode step are
// simulated in detail; identical layers and later steps advance the clock by the measured time,
// shown as a "timing reused" slice.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <memory>

#include "dataflow/launch.hpp"
#include "dataflow/mapper.hpp"
#include "dataflow/replay.hpp"
#include "dataflow/socket.hpp"
#include "memory/tier_allocator.hpp"
#include "sim/config/machine_config.hpp"
#include "sim/config/scenario.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/run/all_ranks.hpp"
#include "sim/run/executor.hpp"
#include "sim/studies/serve.hpp"
#include "workloads/composition.hpp"
#include "workloads/requests.hpp"
#include "workloads/router.hpp"
#include "workloads/step_graphs.hpp"

namespace rdusim {
namespace {

struct Job {
  std::string name;
  uint32_t repeat = 1;
  std::vector<SectionPlan> plans;
};
using Program = std::vector<Job>;

Program map_jobs(std::vector<std::tuple<std::string, Graph, uint32_t>> graphs, const MachineConfig& mc) {
  Program p;
  for (auto& [name, g, repeat] : graphs)
    p.push_back({name, repeat, map_graph(g, Fusion::kFused, mc.socket, mc.replay, name)});
  return p;
}

Program model_program(const ModelConfig& m, const StepShape& s, const MachineConfig& mc) {
  std::vector<std::tuple<std::string, Graph, uint32_t>> gs;
  for (auto& g : model_step_graphs(m, s, true)) gs.emplace_back(g.name, std::move(g.graph), g.repeat);
  return map_jobs(std::move(gs), mc);
}

struct Served {
  Request req;
  std::string expert;
  bool hit = false;
  double start_ns = 0, first_token_ns = 0, end_ns = 0;
};

}  // namespace

int run_serve(ServeOptions o) {
  std::string mpath = resolve_config(o.machine, "configs/machines");
  MachineConfig mc = load_machine_file(mpath);
  o.tp = mc.sockets;
  Composition comp = load_composition_file(resolve_config(o.composition, "configs/compositions"),
                                           project_root() + "/workloads/models");
  // Requests: a batch at t = 0, a Poisson stream, or a trace file.
  std::vector<Request> reqs;
  bool stream = !o.requests.empty() || o.rate_per_s > 0;
  if (!o.requests.empty())
    reqs = load_trace_file(o.requests);
  else if (o.rate_per_s > 0)
    reqs = poisson_stream({o.seed, o.rate_per_s, o.count ? o.count : 16, {o.input, o.output}, 0.0});
  else
    reqs = make_batch(o.batch, {o.input, o.output});

  // Residency: router weights and serving memory pinned in HBM; experts homed in DDR.
  double hbm = mc.socket.hbm.capacity_bytes * o.tp, ddr = mc.socket.ddr.capacity_bytes * o.tp;
  TierAllocator alloc({{"hbm", uint64_t(hbm)}, {"ddr", uint64_t(ddr)}, false, 0, comp.file},
                      {{"router", comp.router_params() * comp.dtype_bytes}}, expert_sizes(comp));

  RunContext ctx;
  ctx.trace.enable(!o.trace.empty());
  std::vector<std::unique_ptr<Socket>> sockets;
  for (uint32_t r = 0; r < o.tp; ++r)
    sockets.push_back(std::make_unique<Socket>(fmt::format("rdu{}", r).c_str(), mc.socket, ctx));
  std::unique_ptr<Fabric> fabric;
  if (o.tp > 1) fabric = std::make_unique<Fabric>("p2p", mc.fabric, ctx);
  std::vector<std::unique_ptr<Replayer>> rp;
  for (uint32_t r = 0; r < o.tp; ++r)
    rp.push_back(std::make_unique<Replayer>(*sockets[r], ctx, mc.replay, CollectiveGroup{fabric.get(), r, o.tp}));
  TraceTrack req_track = ctx.trace.track("coe", "requests");
  TraceTrack reuse_track = ctx.trace.track("coe", "timing reused");

  // Runs a program on every socket at once (HO: one host launch); identical layers advance the
  // clock by the measured time of the one simulated.
  std::string prev_kernel;
  auto run_program = [&](const Program& prog, const std::string& label) {
    const LaunchParams& lp = mc.socket.launch;
    sc_core::wait(ns(lp.host_launch_ns));
    run_on_all_ranks(o.tp, [&](uint32_t r) {
      std::string prev = prev_kernel;
      for (const auto& job : prog) {
        double t0 = now_ns();
        for (const auto& plan : job.plans) {
          rp[r]->run_section(
              plan, launch_ns(plan, lp, Orchestration::kDevice, prev, mc.socket.hbm.total_bandwidth_gbps()), "", false);
          prev = plan.kernel;
        }
        if (job.repeat > 1) {
          double dt = now_ns() - t0;
          sc_core::wait(ns(dt * (job.repeat - 1)));
          if (r == 0)
            ctx.trace.slice(reuse_track,
                            fmt::format("{} {}: {} more layers (timing reused)", label, job.name, job.repeat - 1),
                            t0 + dt, now_ns());
        }
      }
    });
  };
  auto switch_in = [&](size_t expert) -> bool {
    auto acc = alloc.acquire(expert);
    for (size_t e : acc.evicted)
      for (auto& s : sockets) s->hbm.remove(comp.instances[e].name);
    if (acc.hit) return true;
    uint64_t shard = (acc.copy_bytes + o.tp - 1) / o.tp;
    run_on_all_ranks(o.tp, [&](uint32_t r) {
      sockets[r]->dma.copy(sockets[r]->ddr, sockets[r]->hbm, shard, "switch " + comp.instances[expert].name);
      sockets[r]->hbm.place(comp.instances[expert].name, double(shard));
    });
    return false;
  };

  std::map<std::string, std::pair<Program, Program>> expert_programs;  // model -> (prefill, decode step)
  auto programs_for = [&](const std::string& model, const Request& q) -> std::pair<Program, Program>& {
    std::string key = fmt::format("{}|{}|{}", model, q.input_tokens, q.output_tokens);
    auto it = expert_programs.find(key);
    if (it != expert_programs.end()) return it->second;
    const ModelConfig& m = comp.models.at(model);
    StepShape pre{Phase::kPrefill, 1, q.input_tokens, 0, o.tp, comp.dtype_bytes};
    // The step at the mean context stands for every step: decode cost is affine in the context.
    StepShape dec{Phase::kDecode, 1, 1, q.input_tokens + (q.output_tokens - 1) / 2, o.tp, comp.dtype_bytes};
    return expert_programs[key] = {model_program(m, pre, mc), model_program(m, dec, mc)};
  };
  auto router_program = [&](uint32_t batch, uint32_t tokens) {
    std::vector<std::tuple<std::string, Graph, uint32_t>> gs;
    for (auto& st : build_router_stages(comp, {batch, tokens, o.tp, comp.dtype_bytes}))
      gs.emplace_back(st.name, std::move(st.graph), st.repeat);
    return map_jobs(std::move(gs), mc);
  };

  std::vector<Served> served(reqs.size());
  Executor exec("serve", [&] {
    auto serve_one = [&](size_t i, const Route& route) {
      Served& s = served[i];
      const auto& inst = comp.instances.at(route.expert);
      s.expert = inst.name;
      double t0 = now_ns();
      s.hit = switch_in(route.expert);
      if (!s.hit) ctx.trace.slice(req_track, "switch " + inst.name, t0, now_ns());
      auto& [pre, dec] = programs_for(inst.model, s.req);
      double t1 = now_ns();
      run_program(pre, "prefill");
      ctx.trace.slice(req_track, fmt::format("prefill r{} ({})", s.req.id, inst.name), t1, now_ns());
      s.first_token_ns = now_ns();
      double t2 = now_ns();
      run_program(dec, "decode");
      double step = now_ns() - t2;
      if (s.req.output_tokens > 1) {
        sc_core::wait(ns(step * (s.req.output_tokens - 1)));
        ctx.trace.slice(reuse_track,
                        fmt::format("decode r{}: {} more steps (timing reused)", s.req.id, s.req.output_tokens - 1),
                        t2 + step, now_ns());
      }
      ctx.trace.slice(req_track, fmt::format("decode r{} ({} tokens)", s.req.id, s.req.output_tokens), t2, now_ns());
      s.end_ns = now_ns();
    };
    if (!stream) {
      for (size_t i = 0; i < reqs.size(); ++i) served[i] = {reqs[i], "", false, 0, 0, 0};
      double t0 = now_ns();
      run_program(router_program(uint32_t(reqs.size()), o.input), "router");
      ctx.trace.slice(req_track, fmt::format("router ({} prompts)", reqs.size()), t0, now_ns());
      auto routes = route_batch(comp, o.seed, 0, uint32_t(reqs.size()));
      for (size_t i = 0; i < reqs.size(); ++i) serve_one(i, routes[i]);
    } else {
      for (size_t i = 0; i < reqs.size(); ++i) {
        served[i].req = reqs[i];
        double arrival = reqs[i].arrival_us * 1e3;
        if (arrival > now_ns()) sc_core::wait(ns(arrival - now_ns()));
        served[i].start_ns = now_ns();
        double t0 = now_ns();
        run_program(router_program(1, reqs[i].input_tokens), "router");
        ctx.trace.slice(req_track, fmt::format("router r{}", reqs[i].id), t0, now_ns());
        serve_one(i, route_prompt(comp, o.seed, reqs[i].id));
      }
    }
  });
  sc_core::sc_start();
  exec.rethrow();
  if (!exec.finished()) throw SimError("", "serve", "the serving run did not finish (deadlock)");

  nlohmann::json out = {{"machine", mc.name},
                        {"composition", comp.name},
                        {"mode", stream ? "stream" : "batch"},
                        {"hbm_hit_rate", alloc.hit_rate()},
                        {"switches", alloc.misses()},
                        {"total_ms", now_ns() / 1e6}};
  std::string table = fmt::format("{:>4} {:>12} {:<14} {:>5} {:>12} {:>10} {:>10}\n", "req", "arrival ms", "expert",
                                  "hit", "latency ms", "TTFT ms", "TPOT ms");
  for (const auto& s : served) {
    double latency = s.end_ns - s.req.arrival_us * 1e3, ttft = s.first_token_ns - s.req.arrival_us * 1e3;
    double tpot = (s.end_ns - s.first_token_ns) / std::max<uint32_t>(1, s.req.output_tokens);
    out["requests"].push_back({{"id", s.req.id},
                               {"arrival_ms", s.req.arrival_us / 1e3},
                               {"expert", s.expert},
                               {"hit", s.hit},
                               {"latency_ms", latency / 1e6},
                               {"ttft_ms", ttft / 1e6},
                               {"tpot_ms", tpot / 1e6}});
    table += fmt::format("{:>4} {:>12.3f} {:<14} {:>5} {:>12.3f} {:>10.3f} {:>10.3f}\n", s.req.id,
                         s.req.arrival_us / 1e3, s.expert, s.hit ? "yes" : "no", latency / 1e6, ttft / 1e6, tpot / 1e6);
  }
  if (ctx.trace.on()) {
    for (auto& s : sockets) {
      s->ddr.flush_trace(100000.0);
      s->hbm.flush_trace(100000.0);
    }
    ctx.trace.write(o.trace);
  }
  write_file_atomic(o.out_dir + "/serve.json", out.dump(2) + "\n");
  std::cout << fmt::format(
                   "serve {} on {} ({} mode): {} requests, {:.3f} ms in all, {} switches, HBM hit rate {:.2f}\n",
                   comp.name, mc.name, stream ? "stream" : "batch", reqs.size(), now_ns() / 1e6, alloc.misses(),
                   alloc.hit_rate())
            << table << "wrote " << o.out_dir << "/serve.json" << (o.trace.empty() ? "" : ", " + o.trace) << "\n";
  return 0;
}

}  // namespace rdusim
