// sim/cli/args.cpp
#include "sim/cli/args.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "sim/core/error.hpp"

namespace rdusim {
namespace {

[[noreturn]] void bad(const std::string& option, const std::string& message) {
  throw SimError("<command line>", option, message);
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// digits * 10^exp10 exactly, or false when it is past 2^64 - 1.
bool scale_exact(const std::string& digits, int64_t exp10, uint64_t& out) {
  unsigned __int128 v = 0;
  const unsigned __int128 kMax = UINT64_MAX;
  for (char c : digits) {
    v = v * 10 + unsigned(c - '0');
    if (v > kMax) return false;
  }
  for (int64_t i = 0; i < exp10 && v != 0; ++i) {
    v *= 10;
    if (v > kMax) return false;
  }
  out = uint64_t(v);
  return true;
}

std::string range_text(uint64_t lo, uint64_t hi) { return fmt::format("[{}, {}]", lo, hi); }

}  // namespace

uint64_t parse_uint(const std::string& option, const std::string& text, uint64_t lo, uint64_t hi) {
  const std::string want = "expects an integer in " + range_text(lo, hi) + ", got \"" + text + "\"";
  std::string mant = text, exp;
  auto e = text.find_first_of("eE");
  if (e != std::string::npos) {
    mant = text.substr(0, e);
    exp = text.substr(e + 1);
    if (exp.size() > 1 && exp[0] == '+') exp = exp.substr(1);
  }
  std::string ip = mant, fp;
  auto dot = mant.find('.');
  if (dot != std::string::npos) {
    ip = mant.substr(0, dot);
    fp = mant.substr(dot + 1);
  }
  bool neg_exp = !exp.empty() && exp[0] == '-';
  std::string exp_digits = neg_exp ? exp.substr(1) : exp;
  if (!all_digits(ip) || (dot != std::string::npos && !all_digits(fp)) ||
      (e != std::string::npos && (!all_digits(exp_digits) || exp_digits.size() > 6)))
    bad(option, want);
  int64_t exp10 = exp_digits.empty() ? 0 : std::stoll(exp_digits);
  if (neg_exp) exp10 = -exp10;
  std::string digits = ip + fp;
  exp10 -= int64_t(fp.size());
  while (exp10 < 0) {  // a negative power of ten must only strip zeros
    if (digits.empty() || digits.back() != '0') bad(option, want + " (a fraction)");
    digits.pop_back();
    ++exp10;
  }
  uint64_t v = 0;
  if (!scale_exact(digits.empty() ? "0" : digits, exp10, v) || v < lo || v > hi) bad(option, want);
  return v;
}

double parse_real(const std::string& option, const std::string& text, double lo, double hi) {
  const std::string want = fmt::format("expects a number in [{:g}, {:g}], got \"{}\"", lo, hi, text);
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) bad(option, want);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(v) || v < lo || v > hi) bad(option, want);
  return v;
}

ArgTable::ArgTable(std::string command, std::string usage, std::string summary)
    : m_command(std::move(command)), m_usage(std::move(usage)), m_summary(std::move(summary)) {}

ArgTable& ArgTable::flag(const std::string& name, const std::string& help, bool* dst) {
  m_options.push_back({name, "", help, "", false, [dst](const std::string&) { *dst = true; }});
  return *this;
}

ArgTable& ArgTable::text(const std::string& name, const std::string& metavar, const std::string& help,
                         std::string* dst) {
  m_options.push_back({name, metavar, help, dst->empty() ? "" : *dst, true, [dst](const std::string& v) { *dst = v; }});
  return *this;
}

ArgTable& ArgTable::uint(const std::string& name, const std::string& metavar, const std::string& help, uint64_t* dst,
                         uint64_t lo, uint64_t hi) {
  m_options.push_back({name, metavar, help + " " + range_text(lo, hi), std::to_string(*dst), true,
                       [=](const std::string& v) { *dst = parse_uint(name, v, lo, hi); }});
  return *this;
}

ArgTable& ArgTable::uint(const std::string& name, const std::string& metavar, const std::string& help, uint32_t* dst,
                         uint32_t lo, uint32_t hi) {
  m_options.push_back({name, metavar, help + " " + range_text(lo, hi), std::to_string(*dst), true,
                       [=](const std::string& v) { *dst = static_cast<uint32_t>(parse_uint(name, v, lo, hi)); }});
  return *this;
}

ArgTable& ArgTable::real(const std::string& name, const std::string& metavar, const std::string& help, double* dst,
                         double lo, double hi) {
  m_options.push_back({name, metavar, fmt::format("{} [{:g}, {:g}]", help, lo, hi), fmt::format("{:g}", *dst), true,
                       [=](const std::string& v) { *dst = parse_real(name, v, lo, hi); }});
  return *this;
}

ArgTable& ArgTable::repeated(const std::string& name, const std::string& metavar, const std::string& help,
                             std::vector<std::string>* dst) {
  m_options.push_back(
      {name, metavar, help + " (repeatable)", "", true, [dst](const std::string& v) { dst->push_back(v); }});
  return *this;
}

ArgTable& ArgTable::positional(const std::string& metavar, const std::string& help, std::string* dst, bool required) {
  m_pos_metavar = metavar;
  m_pos_help = help;
  m_pos = dst;
  m_pos_required = required;
  return *this;
}

ArgTable& ArgTable::no_default() {
  if (!m_options.empty()) m_options.back().default_text.clear();
  return *this;
}

ArgTable& ArgTable::note(const std::string& text) {
  m_note += text;
  return *this;
}

const ArgTable::Option* ArgTable::find(const std::string& name) const {
  for (const auto& o : m_options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string ArgTable::known() const {
  std::string s;
  for (const auto& o : m_options) s += (s.empty() ? "" : ", ") + o.name;
  return s.empty() ? "none" : s;
}

bool ArgTable::parse(const std::vector<std::string>& args) {
  bool have_pos = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << help();
      return false;
    }
    if (a.size() > 1 && a[0] == '-') {
      std::string name = a, value;
      bool inline_value = false;
      if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      const Option* o = find(name);
      if (!o) bad(name, "unknown option for `rdusim " + m_command + "` (known: " + known() + ")");
      if (o->takes_value && !inline_value) {
        if (i + 1 >= args.size()) bad(name, "expects a value (" + o->metavar + ")");
        value = args[++i];
      } else if (!o->takes_value && inline_value) {
        bad(name, "takes no value");
      }
      o->set(value);
      m_given.push_back(name);
    } else if (m_pos && !have_pos) {
      *m_pos = a;
      have_pos = true;
    } else {
      bad(a, "unexpected argument for `rdusim " + m_command + "` (see rdusim " + m_command + " --help)");
    }
  }
  if (m_pos && m_pos_required && !have_pos) bad(m_command, "expects " + m_pos_metavar + " (see --help)");
  return true;
}

bool ArgTable::given(const std::string& name) const {
  return std::find(m_given.begin(), m_given.end(), name) != m_given.end();
}

std::string ArgTable::help() const {
  std::string s = "usage: rdusim " + m_command + " " + m_usage + "\n" + m_summary + "\n";
  if (m_pos) s += fmt::format("\n  {:<26} {}{}\n", m_pos_metavar, m_pos_help, m_pos_required ? "" : " (optional)");
  s += "\noptions:\n";
  for (const auto& o : m_options) {
    std::string lhs = o.name + (o.metavar.empty() ? "" : " " + o.metavar);
    std::string def = o.default_text.empty() ? "" : " (default " + o.default_text + ")";
    s += fmt::format("  {:<26} {}{}\n", lhs, o.help, def);
  }
  s += fmt::format("  {:<26} {}\n", "--help, -h", "this text");
  return s + (m_note.empty() ? "" : "\n" + m_note);
}

}  // namespace rdusim
