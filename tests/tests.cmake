# Tests. Kernel-free tests share one executable (many cases per process). SystemC tests get one
# executable per module; catch_discover_tests runs each TEST_CASE in its own process (one
# elaboration per process). End-to-end tests run the rdusim binary.
set(RDUSIM_TEST_ENV "RDUSIM_ROOT=${PROJECT_SOURCE_DIR}")

# The two test mains hold Catch2's whole implementation (CATCH_CONFIG_RUNNER): compile each once and
# link it into every test executable, instead of once per executable.
add_library(rdusim_catch_main OBJECT tests/catch_main.cpp)
add_library(rdusim_sc_catch_main OBJECT tests/sc_catch_main.cpp)
foreach(m rdusim_catch_main rdusim_sc_catch_main)
  target_link_libraries(${m} PRIVATE rdusim_core Catch2::Catch2)
endforeach()

add_executable(test_unit $<TARGET_OBJECTS:rdusim_catch_main> tests/test_dram_timing.cpp tests/test_json_reader.cpp
                         tests/test_model_config.cpp tests/test_pcu_timing.cpp tests/test_mapper.cpp
                         tests/test_machine_config.cpp tests/test_coe_units.cpp tests/test_gpu_model.cpp
                         tests/test_config_docs.cpp tests/test_variants.cpp)
rdusim_reuse_pch(test_unit)
target_link_libraries(test_unit PRIVATE rdusim_studies Catch2::Catch2)
catch_discover_tests(test_unit PROPERTIES TIMEOUT 60 ENVIRONMENT "${RDUSIM_TEST_ENV}")

foreach(t test_dram_channel test_stream_buffer test_pcu test_replay test_gpu_replay test_fabric test_tp test_serve
          test_kernel_call)
  add_executable(${t} $<TARGET_OBJECTS:rdusim_sc_catch_main> tests/${t}.cpp)
  rdusim_reuse_pch(${t})
  target_link_libraries(${t} PRIVATE rdusim_studies Catch2::Catch2)
  catch_discover_tests(${t} TEST_SPEC "~[heavy]" PROPERTIES TIMEOUT 60 ENVIRONMENT "${RDUSIM_TEST_ENV}")
endforeach()
# [heavy] cases (whole-model runs at 256 and 4096 chunks; a serving stream simulated step by step
# against step reuse: 10-20 s each in the release build) are labelled slow: the sanitizer pass
# skips them.
foreach(t test_replay test_serve)
  catch_discover_tests(${t} TEST_SPEC "[heavy]" PROPERTIES TIMEOUT 300 LABELS slow ENVIRONMENT "${RDUSIM_TEST_ENV}")
endforeach()

add_executable(test_cli $<TARGET_OBJECTS:rdusim_catch_main> tests/test_cli.cpp sim/cli/args.cpp)
rdusim_reuse_pch(test_cli)
target_link_libraries(test_cli PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_cli rdusim)
target_compile_definitions(test_cli PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>" RDUSIM_ROOT_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(test_cli PROPERTIES TIMEOUT 120 ENVIRONMENT "${RDUSIM_TEST_ENV}")

# Config errors end to end: out-of-range numbers, oversized or too deep JSON, simulated-time overflow.
add_executable(test_config_errors $<TARGET_OBJECTS:rdusim_catch_main> tests/test_config_errors.cpp)
rdusim_reuse_pch(test_config_errors)
target_link_libraries(test_config_errors PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_config_errors rdusim)
target_compile_definitions(test_config_errors PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>"
                                                      RDUSIM_ROOT_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(test_config_errors PROPERTIES TIMEOUT 120 ENVIRONMENT "${RDUSIM_TEST_ENV}")

# scripts/sweep.py and scripts/plot.py (Python unittest; runs the rdusim binary through a counting wrapper)
add_test(NAME sweep_py COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/test_sweep.py)
set_tests_properties(sweep_py PROPERTIES ENVIRONMENT "RDUSIM_ROOT=${PROJECT_SOURCE_DIR};RDUSIM_BIN=$<TARGET_FILE:rdusim>" TIMEOUT 300)
# sweep.py's commands: a small `serve` sweep end to end, spec checks per command, plots at the end
add_test(NAME sweep_serve_py COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/test_sweep_serve.py)
set_tests_properties(sweep_serve_py PROPERTIES ENVIRONMENT "RDUSIM_ROOT=${PROJECT_SOURCE_DIR};RDUSIM_BIN=$<TARGET_FILE:rdusim>" TIMEOUT 300)

# The whole reproduction, twice (about 30 s): labelled slow, so the sanitizer pass skips it.
add_executable(test_reproduce $<TARGET_OBJECTS:rdusim_catch_main> tests/test_reproduce.cpp)
rdusim_reuse_pch(test_reproduce)
target_link_libraries(test_reproduce PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_reproduce rdusim)
target_compile_definitions(test_reproduce PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>")
catch_discover_tests(test_reproduce PROPERTIES TIMEOUT 300 LABELS slow ENVIRONMENT "${RDUSIM_TEST_ENV}")

# Output sets (sim/core/atomic_file.hpp) end to end: errors and kills leave the previous --out intact
# (the kill test: 24 small reproductions, 230 s wall at load 10 on 2 cores, 80 s CPU): labelled slow.
add_executable(test_output_set $<TARGET_OBJECTS:rdusim_catch_main> tests/test_output_set.cpp)
rdusim_reuse_pch(test_output_set)
target_link_libraries(test_output_set PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_output_set rdusim)
target_compile_definitions(test_output_set PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>" RDUSIM_ROOT_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(test_output_set PROPERTIES TIMEOUT 600 LABELS slow ENVIRONMENT "${RDUSIM_TEST_ENV}")

add_executable(test_gpu_cli $<TARGET_OBJECTS:rdusim_catch_main> tests/test_gpu_cli.cpp)
rdusim_reuse_pch(test_gpu_cli)
target_link_libraries(test_gpu_cli PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_gpu_cli rdusim)
target_compile_definitions(test_gpu_cli PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>")
catch_discover_tests(test_gpu_cli PROPERTIES TIMEOUT 120 ENVIRONMENT "${RDUSIM_TEST_ENV}")

# test_serve also runs the rdusim binary (exit codes of bad input).
add_dependencies(test_serve rdusim)
target_compile_definitions(test_serve PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>")

# Issue 13's hostile-input list, end to end through the rdusim binary (exit 2, one line, nothing written).
add_executable(test_hostile_inputs $<TARGET_OBJECTS:rdusim_catch_main> tests/test_hostile_inputs.cpp)
rdusim_reuse_pch(test_hostile_inputs)
target_link_libraries(test_hostile_inputs PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_hostile_inputs rdusim)
target_compile_definitions(test_hostile_inputs PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>" RDUSIM_ROOT_DIR="${PROJECT_SOURCE_DIR}")
# Cases that run a whole reproduction are labelled slow (the sanitizer pass skips them).
catch_discover_tests(test_hostile_inputs TEST_SPEC "~[reproduce]" PROPERTIES TIMEOUT 300 ENVIRONMENT "${RDUSIM_TEST_ENV}")
catch_discover_tests(test_hostile_inputs TEST_SPEC "[reproduce]" PROPERTIES TIMEOUT 300 LABELS slow
                     ENVIRONMENT "${RDUSIM_TEST_ENV}")

# Random valid machines/scenarios (seeded): finish or a named deadlock, never beat the roofline, repeat exactly.
add_executable(test_property $<TARGET_OBJECTS:rdusim_catch_main> tests/test_property.cpp)
rdusim_reuse_pch(test_property)
target_link_libraries(test_property PRIVATE rdusim_studies Catch2::Catch2)
catch_discover_tests(test_property PROPERTIES TIMEOUT 180 ENVIRONMENT "${RDUSIM_TEST_ENV}")

# The fuzz targets (tests/fuzz) in a short bounded smoke run in the ASan + UBSan build (the release
# build skips them: they find nothing without sanitizers that the sanitizer pass would not):
# seeded random mutations of the seed corpus, tests/fuzz/mutate_main.cpp. The coverage-guided
# libFuzzer run is scripts/fuzz.sh (clang).
if(NOT RDUSIM_FUZZ AND RDUSIM_SANITIZE)
  set(RDUSIM_FUZZ_SMOKE_SECONDS 5 CACHE STRING "seconds per fuzz target in the fuzz_smoke tests")
  set(seeds_machine ${PROJECT_SOURCE_DIR}/configs/machines)
  set(seeds_gpu_machine ${PROJECT_SOURCE_DIR}/configs/machines)
  set(seeds_model ${PROJECT_SOURCE_DIR}/workloads/models)
  set(seeds_composition ${PROJECT_SOURCE_DIR}/configs/compositions)
  set(seeds_fusion_study ${PROJECT_SOURCE_DIR}/configs/experiments)
  set(seeds_coe_study ${PROJECT_SOURCE_DIR}/configs/experiments)
  foreach(t scenario trace overrides)
    set(seeds_${t} ${PROJECT_SOURCE_DIR}/tests/fuzz/seeds/${t})
  endforeach()
  # The seeded mutation driver is compiled once and linked into every smoke target.
  add_library(rdusim_mutate_main OBJECT tests/fuzz/mutate_main.cpp)
  target_link_libraries(rdusim_mutate_main PRIVATE rdusim_core)
  foreach(t machine gpu_machine model scenario composition trace fusion_study coe_study overrides)
    add_executable(smoke_${t} tests/fuzz/fuzz_${t}.cpp $<TARGET_OBJECTS:rdusim_mutate_main>)
    target_link_libraries(smoke_${t} PRIVATE rdusim_studies)
    rdusim_reuse_pch(smoke_${t})
    add_test(NAME fuzz_smoke_${t} COMMAND smoke_${t} ${RDUSIM_FUZZ_SMOKE_SECONDS} ${seeds_${t}})
    set_tests_properties(fuzz_smoke_${t} PROPERTIES LABELS fuzz TIMEOUT 120 ENVIRONMENT "${RDUSIM_TEST_ENV}")
  endforeach()
endif()
