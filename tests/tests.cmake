# Tests. Kernel-free tests share one executable (many cases per process). SystemC tests get one
# executable per module; catch_discover_tests runs each TEST_CASE in its own process (one
# elaboration per process). End-to-end tests run the rdusim binary.
set(RDUSIM_TEST_ENV "RDUSIM_ROOT=${PROJECT_SOURCE_DIR}")

add_executable(test_unit tests/catch_main.cpp tests/test_dram_timing.cpp tests/test_json_reader.cpp
                         tests/test_model_config.cpp tests/test_pcu_timing.cpp tests/test_mapper.cpp
                         tests/test_machine_config.cpp tests/test_coe_units.cpp tests/test_gpu_model.cpp)
target_link_libraries(test_unit PRIVATE rdusim_studies Catch2::Catch2)
catch_discover_tests(test_unit PROPERTIES TIMEOUT 60 ENVIRONMENT "${RDUSIM_TEST_ENV}")

foreach(t test_dram_channel test_stream_buffer test_pcu test_replay test_gpu_replay test_fabric test_tp)
  add_executable(${t} tests/sc_catch_main.cpp tests/${t}.cpp)
  target_link_libraries(${t} PRIVATE rdusim_studies Catch2::Catch2)
  catch_discover_tests(${t} PROPERTIES TIMEOUT 60 ENVIRONMENT "${RDUSIM_TEST_ENV}")
endforeach()

add_executable(test_cli tests/catch_main.cpp tests/test_cli.cpp)
target_link_libraries(test_cli PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_cli rdusim)
target_compile_definitions(test_cli PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>" RDUSIM_ROOT_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(test_cli PROPERTIES TIMEOUT 120 ENVIRONMENT "${RDUSIM_TEST_ENV}")

# scripts/sweep.py and scripts/plot.py (Python unittest; runs the rdusim binary through a counting wrapper)
add_test(NAME sweep_py COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/test_sweep.py)
set_tests_properties(sweep_py PROPERTIES ENVIRONMENT "RDUSIM_ROOT=${PROJECT_SOURCE_DIR};RDUSIM_BIN=$<TARGET_FILE:rdusim>" TIMEOUT 300)

# The whole reproduction, twice (about 30 s): labelled slow, so the sanitizer pass skips it.
add_executable(test_reproduce tests/catch_main.cpp tests/test_reproduce.cpp)
target_link_libraries(test_reproduce PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_reproduce rdusim)
target_compile_definitions(test_reproduce PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>")
catch_discover_tests(test_reproduce PROPERTIES TIMEOUT 300 LABELS slow ENVIRONMENT "${RDUSIM_TEST_ENV}")

add_executable(test_gpu_cli tests/catch_main.cpp tests/test_gpu_cli.cpp)
target_link_libraries(test_gpu_cli PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_gpu_cli rdusim)
target_compile_definitions(test_gpu_cli PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>")
catch_discover_tests(test_gpu_cli PROPERTIES TIMEOUT 120 ENVIRONMENT "${RDUSIM_TEST_ENV}")

# Issue 13's hostile-input list, end to end through the rdusim binary (exit 2, one line, nothing written).
add_executable(test_hostile_inputs tests/catch_main.cpp tests/test_hostile_inputs.cpp)
target_link_libraries(test_hostile_inputs PRIVATE rdusim_studies Catch2::Catch2)
add_dependencies(test_hostile_inputs rdusim)
target_compile_definitions(test_hostile_inputs PRIVATE RDUSIM_BIN="$<TARGET_FILE:rdusim>" RDUSIM_ROOT_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(test_hostile_inputs PROPERTIES TIMEOUT 300 ENVIRONMENT "${RDUSIM_TEST_ENV}")

# Random valid machines/scenarios (seeded): finish or a named deadlock, never beat the roofline, repeat exactly.
add_executable(test_property tests/catch_main.cpp tests/test_property.cpp)
target_link_libraries(test_property PRIVATE rdusim_studies Catch2::Catch2)
catch_discover_tests(test_property PROPERTIES TIMEOUT 180 ENVIRONMENT "${RDUSIM_TEST_ENV}")
