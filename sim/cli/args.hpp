// sim/cli/args.hpp
// The one command-line parser: each command declares a table of options (name, value type, range,
// default, help text) bound to the variables they set. The same table parses argv, prints
// `rdusim <command> --help`, and turns every bad value into one SimError naming the option
// ("<command line>:--batch: ...", exit 2).
//
// Numbers (parse_uint, parse_real):
//   - integers are exact: decimal digits, or decimal scientific notation whose value is an exact
//     integer ("64e9", "1.5e3" = 1500; "1.5", "1e-1" rejected as fractions); never a sign, never
//     wrapped: a value past the option's range (or 2^64) is an error;
//   - reals are finite decimals (strtod syntax, no "nan"/"inf", no leading spaces) in range.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rdusim {

// Throw SimError("<command line>", option, ...) on a bad value.
uint64_t parse_uint(const std::string& option, const std::string& text, uint64_t lo, uint64_t hi);
double parse_real(const std::string& option, const std::string& text, double lo, double hi);

class ArgTable {
 public:
  // `usage`: the synopsis after "rdusim <command>"; `summary`: one line of what it does.
  ArgTable(std::string command, std::string usage, std::string summary);

  ArgTable& flag(const std::string& name, const std::string& help, bool* dst);
  ArgTable& text(const std::string& name, const std::string& metavar, const std::string& help, std::string* dst);
  ArgTable& uint(const std::string& name, const std::string& metavar, const std::string& help, uint64_t* dst,
                 uint64_t lo, uint64_t hi);
  ArgTable& uint(const std::string& name, const std::string& metavar, const std::string& help, uint32_t* dst,
                 uint32_t lo, uint32_t hi);
  ArgTable& real(const std::string& name, const std::string& metavar, const std::string& help, double* dst, double lo,
                 double hi);
  // Every occurrence is appended (e.g. --set KEY=VALUE).
  ArgTable& repeated(const std::string& name, const std::string& metavar, const std::string& help,
                     std::vector<std::string>* dst);
  // One positional argument (at most one per table).
  ArgTable& positional(const std::string& metavar, const std::string& help, std::string* dst, bool required);
  // The last option's default is not shown in --help (it comes from elsewhere, e.g. a scenario file).
  ArgTable& no_default();
  // A free-form note printed at the end of --help.
  ArgTable& note(const std::string& text);

  // Parses `args` into the bound variables. Returns false when --help/-h was given (the help is
  // printed on stdout); throws SimError on anything else that is wrong.
  bool parse(const std::vector<std::string>& args);
  bool given(const std::string& name) const;
  std::string help() const;

 private:
  struct Option {
    std::string name, metavar, help, default_text;
    bool takes_value = true;
    std::function<void(const std::string&)> set;
  };
  const Option* find(const std::string& name) const;
  std::string known() const;

  std::string m_command, m_usage, m_summary, m_note;
  std::vector<Option> m_options;
  std::vector<std::string> m_given;
  std::string m_pos_metavar, m_pos_help;
  std::string* m_pos = nullptr;
  bool m_pos_required = false;
};

}  // namespace rdusim
