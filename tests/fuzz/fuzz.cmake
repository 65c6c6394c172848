# libFuzzer targets, one per loader (RDUSIM_FUZZ=ON with clang; scripts/fuzz.sh builds and runs them).
foreach(t machine gpu_machine model scenario composition trace fusion_study coe_study overrides)
  add_executable(fuzz_${t} tests/fuzz/fuzz_${t}.cpp)
  target_link_libraries(fuzz_${t} PRIVATE rdusim_studies)
  target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
endforeach()
