// tests/fuzz/mutate_main.cpp
// A main for the fuzz targets without libFuzzer, for CI's bounded smoke run under the g++ ASan +
// UBSan build (a clang libFuzzer build of the libraries costs minutes CI does not have): seeded
// random mutations of a seed corpus for a given time. No coverage feedback, so it is a smoke test,
// not the fuzzer: scripts/fuzz.sh runs the coverage-guided libFuzzer targets. A crash, a sanitizer
// report or an exception other than SimError (uncaught: std::terminate) fails the test.
//   smoke_<target> SECONDS SEED_DIR...
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// Tokens that broke loaders before (docs/reliability.md): overflow, wrap, negative, tiny, huge.
const char* const kTokens[] = {"1e400", "-1", "4294967297",           "1e-8", "1e30", "0",   "nan", "\"\"", "null",
                               "[]",    "{}", "18446744073709551616", "-0.0", "1e20", "true"};

std::string mutate(std::string s, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t(0) : size_t(rng() % n); };
  int edits = 1 + int(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t at = pick(s.size() + 1);
    switch (rng() % 6) {
      case 0:  // flip a byte
        if (!s.empty()) s[pick(s.size())] ^= char(1u << (rng() % 8));
        break;
      case 1:  // insert a token
        s.insert(at, kTokens[pick(sizeof kTokens / sizeof *kTokens)]);
        break;
      case 2:  // erase a range
        if (!s.empty()) s.erase(pick(s.size()), 1 + pick(16));
        break;
      case 3:  // duplicate a range
        if (!s.empty()) {
          size_t from = pick(s.size());
          s.insert(at, s.substr(from, 1 + pick(64)));
        }
        break;
      case 4: {  // deep nesting
        size_t depth = 1 + pick(2000);
        s.insert(at, std::string(depth, '[') + std::string(depth, ']'));
        break;
      }
      default:  // replace a digit run with a token
        for (size_t i = at; i < s.size(); ++i) {
          if (s[i] >= '0' && s[i] <= '9') {
            size_t j = i;
            while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) ++j;
            s.replace(i, j - i, kTokens[pick(sizeof kTokens / sizeof *kTokens)]);
            break;
          }
        }
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s SECONDS SEED_DIR...\n", argv[0]);
    return 2;
  }
  double seconds = std::atof(argv[1]);
  std::vector<std::string> seeds;
  for (int i = 2; i < argc; ++i) {
    for (const auto& e : std::filesystem::directory_iterator(argv[i])) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      seeds.push_back(buf.str());
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seed files\n");
    return 2;
  }
  std::mt19937_64 rng(20261201);
  auto t0 = std::chrono::steady_clock::now();
  uint64_t runs = 0;
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size()), ++runs;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
    std::string m = mutate(seeds[rng() % seeds.size()], rng);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(m.data()), m.size());
    ++runs;
  }
  std::printf("%llu inputs (%zu seeds and their mutations) in %.1f s, no crash\n", (unsigned long long)runs,
              seeds.size(), seconds);
  return 0;
}
