// sim/studies/fusion_explain.cpp
#include "sim/studies/fusion_explain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace rdusim {

namespace {

struct Term {
  const char* name;
  std::array<const char*, 4> parts;  // breakdown keys; nullptr ends the list
};
const Term kTerms[] = {
    {"streaming", {"stream_ns", nullptr, nullptr, nullptr}},
    {"call boundaries", {"fill_ns", "drain_ns", "sync_ns", "argument_load_ns"}},
    {"launch + Program Load", {"launch_ns", "program_load_ns", nullptr, nullptr}},
    {"host", {"host_ns", "token_host_ns", nullptr, nullptr}},
    {"all-reduce calls", {"collective_exec_ns", nullptr, nullptr, nullptr}},
};

double term_ms(const nlohmann::json& run, const Term& t) {
  double ns = 0.0;
  for (const char* p : t.parts) {
    if (p && run["breakdown"].contains(p)) ns += run["breakdown"][p].get<double>();
  }
  return ns / 1e6;
}

// The term with the largest value of f(term).
template <typename F>
std::pair<std::string, double> largest(F f) {
  std::pair<std::string, double> best{"", -1e300};
  for (const auto& t : kTerms) {
    double v = f(t);
    if (v > best.second) best = {t.name, v};
  }
  return best;
}

}  // namespace

nlohmann::json explain_speedup(const nlohmann::json& unfused, const nlohmann::json& fused) {
  nlohmann::json terms = nlohmann::json::object();
  for (const auto& t : kTerms) {
    double u = term_ms(unfused, t), f = term_ms(fused, t);
    terms[t.name] = {{"unfused", u}, {"fused_ho", f}, {"saved", u - f}};
  }
  const double u_ms = unfused["ms"].get<double>(), f_ms = fused["ms"].get<double>();
  const double saved = u_ms - f_ms;
  auto [top, top_saved] = largest([&](const Term& t) { return terms[t.name]["saved"].get<double>(); });
  auto [u_top, u_top_ms] = largest([&](const Term& t) { return terms[t.name]["unfused"].get<double>(); });
  auto [f_top, f_top_ms] = largest([&](const Term& t) { return terms[t.name]["fused_ho"].get<double>(); });
  const double u_calls = unfused["kernel_calls"].get<double>(), f_calls = fused["kernel_calls"].get<double>();
  const double share = saved > 0 ? top_saved / saved : 0.0;
  std::string why;
  if (top == "streaming") {
    why = "intermediate tensors no longer go through HBM between kernels";
  } else if (top == "call boundaries") {
    why = fmt::format("{:.0f} fewer call boundaries ({:.1f} us each in unfused)", u_calls - f_calls,
                      1e3 * terms["call boundaries"]["unfused"].get<double>() / std::max(1.0, u_calls));
  } else if (top == "all-reduce calls") {
    why = "fused overlaps each all-reduce with the layer's pipeline; unfused runs it as a call of its own";
  } else if (top == "host") {
    why = fmt::format("{:.0f} fewer host-issued calls", u_calls - f_calls);
  } else {
    why = fmt::format("{:.0f} fewer launches and Program Loads", u_calls - f_calls);
  }
  std::string text =
      fmt::format("{:.2f}x: unfused is {:.0f}% {}, fused-HO {:.0f}% {}; of the {:.3f} ms saved, {:.0f}% is {} ({})",
                  f_ms > 0 ? u_ms / f_ms : 0.0, 100.0 * u_top_ms / u_ms, u_top, 100.0 * f_top_ms / f_ms, f_top, saved,
                  100.0 * share, top, why);
  return {{"terms_ms", terms}, {"dominant_saved", top}, {"dominant_saved_share", share}, {"text", text}};
}

}  // namespace rdusim
