# The CTest suite (included by the top-level CMakeLists.txt when DOGAPI_BUILD_TESTS is on).
#
# Labels:
#   c          every tests/c/test_*.c, -std=c11 -Wall -Wextra -Werror -pedantic -O2, against libdogapi.so
#   asan       the same C tests (and the C++ layer test) built at -O0 with -fsanitize=address,undefined
#   valgrind   the same C test executables under valgrind memcheck
#   cpp        tests/cpp: the header-only C++ layer (dogapi.hpp)
#   header     dogapi.h / dogapi.hpp compile matrix: C99 C11 C17 C++11 C++17 C++20
#   symbols    exported symbols (only dog_*) and SONAME of the shared library
#   examples   examples-c (C, C++), examples-go, examples-ruby, examples-node, examples-python
#   packaging  install to a prefix; find_package / add_subdirectory / FetchContent / pkg-config
#              consumers (C and C++, shared and static)
#   docs       the Doxygen reference builds
#   fuzz       fuzz/: each libFuzzer harness for DOGAPI_FUZZ_RUNS inputs (skipped without clang)
# Everything that talks HTTP runs as `dog-intake run --strict -- <program>`.
#
#   ctest --test-dir build -L c          # one label
#   ctest --test-dir build -LE valgrind  # all but the slow memcheck runs
if(CMAKE_VERSION VERSION_LESS 3.22)
    message(FATAL_ERROR "the tests need CMake >= 3.22 (ENVIRONMENT_MODIFICATION); -DDOGAPI_BUILD_TESTS=OFF to only build")
endif()
enable_language(CXX)
find_package(Threads REQUIRED)

option(DOGAPI_REQUIRE_ALL_TESTS
    "Fail at configure time when a tool some tests need (go, ruby+ffi, npm, valgrind, doxygen, pkg-config) is missing, instead of skipping those tests" OFF)
option(DOGAPI_TEST_ASAN "Register the ASan+UBSan variants" ON)
option(DOGAPI_TEST_VALGRIND "Register the valgrind variants" ON)
set(DOGAPI_INTAKE_EXECUTABLE "" CACHE FILEPATH "dog-intake binary (empty: build intake/ with cargo)")
set(DOGAPI_INTAKE_SPEC "" CACHE FILEPATH
    "OpenAPI description dog-intake validates requests against (empty: the vendored intake/spec/v1-openapi.yaml)")

set(_src "${PROJECT_SOURCE_DIR}")
set(_bin "${PROJECT_BINARY_DIR}")

if(DOGAPI_INTAKE_SPEC)
    set(_dogapi_spec "${DOGAPI_INTAKE_SPEC}")
else()
    # Datadog's v1 OpenAPI description vendored in the repository (origin: intake/spec/README.md)
    set(_dogapi_spec "${_src}/intake/spec/v1-openapi.yaml")
endif()
if(NOT EXISTS "${_dogapi_spec}")
    message(FATAL_ERROR "no OpenAPI description at ${_dogapi_spec} (DOGAPI_INTAKE_SPEC)")
endif()

function(_dogapi_missing what)
    if(DOGAPI_REQUIRE_ALL_TESTS)
        message(FATAL_ERROR "DOGAPI_REQUIRE_ALL_TESTS: ${what} (run scripts/install-deps.sh)")
    else()
        message(WARNING "skipping tests: ${what} (run scripts/install-deps.sh)")
    endif()
endfunction()

# --- the local intake ------------------------------------------------------------------------
if(DOGAPI_INTAKE_EXECUTABLE)
    set(DOGAPI_INTAKE "${DOGAPI_INTAKE_EXECUTABLE}")
elseif(EXISTS "${_src}/intake/Cargo.toml")
    # A test tool: the dev profile builds faster and is plenty fast at run time.
    set(DOGAPI_INTAKE "${DOGAPI_CARGO_TARGET_DIR}/debug/dog-intake")
    add_custom_target(dogapi_intake ALL
        COMMAND "${DOGAPI_CARGO}" build -p dogapi-intake --bin dog-intake
                --manifest-path "${_src}/Cargo.toml" --target-dir "${DOGAPI_CARGO_TARGET_DIR}"
                ${DOGAPI_CARGO_FLAGS}
        BYPRODUCTS "${DOGAPI_INTAKE}"
        WORKING_DIRECTORY "${_src}"
        COMMENT "cargo: building the test intake (dog-intake)"
        USES_TERMINAL
        VERBATIM)
    # two cargo processes on one target dir only wait for each other's lock: build in sequence
    add_dependencies(dogapi_intake dogapi_cargo)
else()
    message(FATAL_ERROR "no intake/ crate and no DOGAPI_INTAKE_EXECUTABLE: the tests need dog-intake")
endif()
set(DOGAPI_INTAKE_RUN "${DOGAPI_INTAKE}" run --strict --spec "${_dogapi_spec}" --)

# Environment of every test: the built library on the loader path (FFI examples), nothing that
# would send 127.0.0.1 traffic through a proxy or add global tags.
set(DOGAPI_TEST_ENV_MOD
    "LD_LIBRARY_PATH=path_list_prepend:${DOGAPI_LIB_DIR}"
    "DOGAPI_LIBRARY=set:${DOGAPI_LIB_DIR}/libdogapi.so.${DOGAPI_SOVERSION}"
    "DOGAPI_INTAKE=set:${DOGAPI_INTAKE}"
    "HTTPS_PROXY=unset:" "https_proxy=unset:" "HTTP_PROXY=unset:" "http_proxy=unset:"
    "ALL_PROXY=unset:" "all_proxy=unset:" "DD_PROXY_HTTPS=unset:" "DD_SITE=unset:"
    # nothing from the developer's shell that would send the stats tests to a Datadog Agent
    "DD_DOGSTATSD_URL=unset:" "DD_AGENT_HOST=unset:" "DD_DOGSTATSD_PORT=unset:" "DD_ENTITY_ID=unset:"
    "DD_ORIGIN_DETECTION_ENABLED=unset:" "DOG_INTAKE_DOGSTATSD=unset:"
    # unified service tagging: the tests that want these tags set them themselves
    "DD_ENV=unset:" "DD_SERVICE=unset:" "DD_VERSION=unset:" "DD_TAGS=unset:")

# dogapi_test(<name> COMMAND ... [INTAKE | INTAKE_LAX] [LABELS ...] [ENV ...] [FIXTURES_REQUIRED ...]
#             [FIXTURES_SETUP ...] [TIMEOUT s] [WORKING_DIRECTORY d])
function(dogapi_test name)
    cmake_parse_arguments(T "INTAKE;INTAKE_LAX" "TIMEOUT;WORKING_DIRECTORY"
                          "COMMAND;LABELS;ENV;FIXTURES_REQUIRED;FIXTURES_SETUP" ${ARGN})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    if(NOT T_WORKING_DIRECTORY)
        set(T_WORKING_DIRECTORY "${_src}")
    endif()
    set(cmd ${T_COMMAND})
    if(T_INTAKE)
        set(cmd ${DOGAPI_INTAKE_RUN} ${T_COMMAND})
    elseif(T_INTAKE_LAX) # under the intake, without --strict (contract problems reported only)
        set(cmd "${DOGAPI_INTAKE}" run --spec "${_dogapi_spec}" -- ${T_COMMAND})
    endif()
    add_test(NAME ${name} COMMAND ${cmd} WORKING_DIRECTORY "${T_WORKING_DIRECTORY}")
    set(mods ${DOGAPI_TEST_ENV_MOD})
    foreach(e IN LISTS T_ENV)
        string(REGEX REPLACE "^([^=]*)=(.*)$" "\\1=set:\\2" e "${e}")
        list(APPEND mods "${e}")
    endforeach()
    set_tests_properties(${name} PROPERTIES
        LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT} ENVIRONMENT_MODIFICATION "${mods}")
    if(T_FIXTURES_REQUIRED)
        set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES_REQUIRED}")
    endif()
    if(T_FIXTURES_SETUP)
        set_tests_properties(${name} PROPERTIES FIXTURES_SETUP "${T_FIXTURES_SETUP}")
    endif()
endfunction()

set(DOGAPI_WARNINGS -Wall -Wextra -Werror -pedantic)
set(DOGAPI_SANITIZE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
# ASan: leaks are errors; UBSan: stop at the first report. The library itself is the normal
# uninstrumented release build (Rust sanitizers need nightly); ASan still sees its malloc/free.
set(DOGAPI_ASAN_ENV
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

find_program(DOGAPI_VALGRIND valgrind)
if(DOGAPI_TEST_VALGRIND AND NOT DOGAPI_VALGRIND)
    _dogapi_missing("valgrind not found")
endif()
set(DOGAPI_VALGRIND_CMD "${DOGAPI_VALGRIND}" --quiet --tool=memcheck --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
    --error-exitcode=99 --track-origins=yes
    "--suppressions=${_src}/tests/valgrind-ring.supp"
    "--suppressions=${_src}/tests/valgrind-fork.supp")

# dogapi_c_program(<target> <lang C|CXX> SOURCES ... [SANITIZE] [OPTIONS ...])
function(dogapi_program target)
    cmake_parse_arguments(P "SANITIZE;STATIC" "" "SOURCES;OPTIONS;INCLUDE" ${ARGN})
    add_executable(${target} ${P_SOURCES})
    target_compile_options(${target} PRIVATE ${P_OPTIONS})
    target_include_directories(${target} PRIVATE ${P_INCLUDE})
    if(P_STATIC)
        target_link_libraries(${target} PRIVATE dogapi::dogapi_static Threads::Threads m)
    else()
        target_link_libraries(${target} PRIVATE dogapi::dogapi Threads::Threads m)
    endif()
    if(P_SANITIZE)
        target_compile_options(${target} PRIVATE ${DOGAPI_SANITIZE})
        target_link_options(${target} PRIVATE ${DOGAPI_SANITIZE})
    endif()
    set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${_bin}/tests")
endfunction()

# --- C tests: every tests/c/test_*.c (other .c files there are shared helpers) ---------------
file(GLOB DOGAPI_C_TESTS CONFIGURE_DEPENDS "${_src}/tests/c/test_*.c")
file(GLOB DOGAPI_C_HELPERS CONFIGURE_DEPENDS "${_src}/tests/c/*.c")
if(DOGAPI_C_TESTS)
    list(REMOVE_ITEM DOGAPI_C_HELPERS ${DOGAPI_C_TESTS})
endif()
# Every C test is compiled twice, so that it is warning-free both ways: the plain build at -O2
# (gcc's -Wformat-overflow, -Wmaybe-uninitialized and -Wstringop-* only see what the optimiser
# sees) and the sanitizer build at -O0. These come after CMAKE_C_FLAGS_<CONFIG>, so they win.
set(DOGAPI_C_TEST_FLAGS -std=c11 ${DOGAPI_WARNINGS} -Wno-deprecated-declarations)
set(DOGAPI_OPT_PLAIN -O2)
set(DOGAPI_OPT_SANITIZE -O0)
# Tests of the DogStatsD sink (test_*dogstatsd*.c) run with a DogStatsD listener of the intake:
# `dog-intake run` starts it (DOG_INTAKE_DOGSTATSD) and gives the test DD_DOGSTATSD_URL.
foreach(t IN LISTS DOGAPI_C_TESTS)
    get_filename_component(n "${t}" NAME_WE)
    set(_env)
    if(n MATCHES "dogstatsd")
        set(_env DOG_INTAKE_DOGSTATSD=unixgram)
    endif()
    dogapi_program(c_${n} SOURCES "${t}" ${DOGAPI_C_HELPERS}
                   OPTIONS ${DOGAPI_C_TEST_FLAGS} ${DOGAPI_OPT_PLAIN} INCLUDE "${_src}/tests/c")
    dogapi_test(c.${n} INTAKE COMMAND $<TARGET_FILE:c_${n}> LABELS c ENV ${_env})
    if(DOGAPI_TEST_ASAN)
        dogapi_program(asan_${n} SANITIZE SOURCES "${t}" ${DOGAPI_C_HELPERS}
                       OPTIONS ${DOGAPI_C_TEST_FLAGS} ${DOGAPI_OPT_SANITIZE} INCLUDE "${_src}/tests/c")
        dogapi_test(asan.${n} INTAKE COMMAND $<TARGET_FILE:asan_${n}> LABELS asan ENV ${DOGAPI_ASAN_ENV} ${_env})
    endif()
    if(DOGAPI_TEST_VALGRIND AND DOGAPI_VALGRIND)
        dogapi_test(valgrind.${n} INTAKE COMMAND ${DOGAPI_VALGRIND_CMD} $<TARGET_FILE:c_${n}>
                    LABELS valgrind TIMEOUT 600 ENV ${_env})
    endif()
endforeach()

# tests/c/gen_abi_robustness.py writes a C program calling every function of the header with
# NULL / invalid UTF-8 arguments; generated from the header at build time, so new functions are
# covered without edits. Its "valid" calls send placeholder values: run without --strict.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND AND EXISTS "${_src}/tests/c/gen_abi_robustness.py")
    set(_abi_c "${_bin}/tests/abi_robustness.c")
    add_custom_command(OUTPUT "${_abi_c}"
        COMMAND "${Python3_EXECUTABLE}" "${_src}/tests/c/gen_abi_robustness.py"
                "${_src}/include/dogapi.h" > "${_abi_c}.tmp"
        COMMAND "${CMAKE_COMMAND}" -E rename "${_abi_c}.tmp" "${_abi_c}"
        DEPENDS "${_src}/tests/c/gen_abi_robustness.py" "${_src}/include/dogapi.h" dogapi_cargo
        COMMENT "Generating abi_robustness.c from dogapi.h")
    # Built by a test (not by `cmake --build`): when the generator lags behind a new header, that
    # test fails and everything else still builds and runs.
    dogapi_program(c_abi_robustness SOURCES "${_abi_c}" ${DOGAPI_C_HELPERS}
                   OPTIONS ${DOGAPI_C_TEST_FLAGS} ${DOGAPI_OPT_PLAIN} INCLUDE "${_src}/tests/c")
    set(_abi_targets c_abi_robustness)
    if(DOGAPI_TEST_ASAN)
        dogapi_program(asan_abi_robustness SANITIZE SOURCES "${_abi_c}" ${DOGAPI_C_HELPERS}
                       OPTIONS ${DOGAPI_C_TEST_FLAGS} ${DOGAPI_OPT_SANITIZE} INCLUDE "${_src}/tests/c")
        list(APPEND _abi_targets asan_abi_robustness)
    endif()
    set_target_properties(${_abi_targets} PROPERTIES EXCLUDE_FROM_ALL ON)
    dogapi_test(c.abi_robustness.build LABELS "c;asan;valgrind" FIXTURES_SETUP dogapi_abi TIMEOUT 300
        COMMAND "${CMAKE_COMMAND}" --build "${_bin}" --target ${_abi_targets})
    dogapi_test(c.abi_robustness INTAKE_LAX COMMAND $<TARGET_FILE:c_abi_robustness> LABELS c TIMEOUT 300
        FIXTURES_REQUIRED dogapi_abi)
    if(DOGAPI_TEST_ASAN)
        dogapi_test(asan.abi_robustness INTAKE_LAX COMMAND $<TARGET_FILE:asan_abi_robustness> LABELS asan
                    ENV ${DOGAPI_ASAN_ENV} TIMEOUT 300 FIXTURES_REQUIRED dogapi_abi)
    endif()
    if(DOGAPI_TEST_VALGRIND AND DOGAPI_VALGRIND)
        dogapi_test(valgrind.abi_robustness INTAKE_LAX COMMAND ${DOGAPI_VALGRIND_CMD}
                    $<TARGET_FILE:c_abi_robustness> LABELS valgrind TIMEOUT 900 FIXTURES_REQUIRED dogapi_abi)
        list(APPEND _abi_runs valgrind.abi_robustness)
    endif()
    # A caught panic is a bug even when the call reports it (DOG_ERR_INTERNAL, checked in the
    # program) or cannot (getters, constructors): Rust's panic hook prints "panicked at".
    list(APPEND _abi_runs c.abi_robustness)
    if(DOGAPI_TEST_ASAN)
        list(APPEND _abi_runs asan.abi_robustness)
    endif()
    set_tests_properties(${_abi_runs} PROPERTIES FAIL_REGULAR_EXPRESSION "panicked at")
endif()

# --- fuzz: the libFuzzer harnesses in fuzz/, a bounded number of inputs each (clang builds
# them at test time; without clang or its libFuzzer runtime the tests are skipped, exit 77) ---
set(DOGAPI_FUZZ_RUNS 20000 CACHE STRING "inputs per fuzz harness in the fuzz tests")
file(GLOB DOGAPI_FUZZ_HARNESSES CONFIGURE_DEPENDS "${_src}/fuzz/fuzz_*.c")
foreach(f IN LISTS DOGAPI_FUZZ_HARNESSES)
    get_filename_component(n "${f}" NAME_WE)
    dogapi_test(fuzz.${n} LABELS fuzz TIMEOUT 600
        COMMAND sh "${_src}/fuzz/run.sh" "${_src}/include" "${DOGAPI_LIB_DIR}" "${_bin}/fuzz"
                "${DOGAPI_FUZZ_RUNS}" "${n}")
    set_tests_properties(fuzz.${n} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# --- C++ layer ---------------------------------------------------------------------------------
file(GLOB DOGAPI_CPP_TESTS CONFIGURE_DEPENDS "${_src}/tests/cpp/test_*.cpp")
foreach(t IN LISTS DOGAPI_CPP_TESTS)
    get_filename_component(n "${t}" NAME_WE)
    # C++11: the oldest standard dogapi.hpp supports
    dogapi_program(cpp_${n} SOURCES "${t}" OPTIONS -std=c++11 ${DOGAPI_WARNINGS} ${DOGAPI_OPT_PLAIN})
    dogapi_test(cpp.${n} INTAKE COMMAND $<TARGET_FILE:cpp_${n}> LABELS cpp)
    if(DOGAPI_TEST_ASAN)
        dogapi_program(asan_cpp_${n} SANITIZE SOURCES "${t}" OPTIONS -std=c++17 ${DOGAPI_WARNINGS} ${DOGAPI_OPT_SANITIZE})
        dogapi_test(asan.cpp.${n} INTAKE COMMAND $<TARGET_FILE:asan_cpp_${n}> LABELS "asan;cpp" ENV ${DOGAPI_ASAN_ENV})
    endif()
    if(DOGAPI_TEST_VALGRIND AND DOGAPI_VALGRIND)
        dogapi_test(valgrind.cpp.${n} INTAKE COMMAND ${DOGAPI_VALGRIND_CMD} $<TARGET_FILE:cpp_${n}>
                    LABELS "valgrind;cpp" TIMEOUT 600)
    endif()
endforeach()

# --- header compile matrix -------------------------------------------------------------------
foreach(std c99 c11 c17)
    dogapi_test(header.${std} LABELS header COMMAND "${CMAKE_C_COMPILER}" -std=${std} ${DOGAPI_WARNINGS}
        -I "${_src}/include" -c "${_src}/tests/packaging/header/header_check.c"
        -o "${_bin}/tests/header_${std}.o")
endforeach()
foreach(std c++11 c++17 c++20)
    string(REPLACE "+" "x" _n "${std}")
    dogapi_test(header.${_n} LABELS header COMMAND "${CMAKE_CXX_COMPILER}" -std=${std} ${DOGAPI_WARNINGS}
        -I "${_src}/include" -c "${_src}/tests/packaging/header/header_check.cpp"
        -o "${_bin}/tests/header_${_n}.o")
endforeach()

# --- exported symbols and SONAME ---------------------------------------------------------------
dogapi_test(symbols.exports LABELS symbols COMMAND sh "${_src}/tests/packaging/check-symbols.sh"
    "${DOGAPI_SHARED_REAL}" "${DOGAPI_STATIC_LIB}")
dogapi_test(symbols.soname LABELS symbols COMMAND sh "${_src}/tests/packaging/check-soname.sh"
    "${DOGAPI_LIB_DIR}" "${PROJECT_VERSION}" "${DOGAPI_SOVERSION}")

# --- examples ----------------------------------------------------------------------------------
file(GLOB DOGAPI_EXAMPLES_C CONFIGURE_DEPENDS "${_src}/examples-c/*.c")
file(GLOB DOGAPI_EXAMPLES_CXX CONFIGURE_DEPENDS "${_src}/examples-c/*.cpp")
foreach(e IN LISTS DOGAPI_EXAMPLES_C)
    get_filename_component(n "${e}" NAME_WE)
    dogapi_program(example_c_${n} SOURCES "${e}" OPTIONS -std=c11 ${DOGAPI_WARNINGS})
    set(_env)
    if(n MATCHES "agent")   # the Agent-mode example runs with a DogStatsD listener
        set(_env DOG_INTAKE_DOGSTATSD=unixgram)
    endif()
    dogapi_test(examples.c.${n} INTAKE COMMAND $<TARGET_FILE:example_c_${n}> LABELS examples ENV ${_env})
endforeach()
foreach(e IN LISTS DOGAPI_EXAMPLES_CXX)
    get_filename_component(n "${e}" NAME_WE)
    dogapi_program(example_cpp_${n} SOURCES "${e}" OPTIONS -std=c++17 ${DOGAPI_WARNINGS})
    set(_env)
    if(n MATCHES "agent")
        set(_env DOG_INTAKE_DOGSTATSD=unixgram)
    endif()
    dogapi_test(examples.cpp.${n} INTAKE COMMAND $<TARGET_FILE:example_cpp_${n}> LABELS examples ENV ${_env})
endforeach()

if(Python3_Interpreter_FOUND)
    dogapi_test(examples.python INTAKE LABELS examples
        COMMAND "${Python3_EXECUTABLE}" "${_src}/examples-python/example.py")
else()
    _dogapi_missing("python3 not found")
endif()

find_program(DOGAPI_RUBY ruby)
if(DOGAPI_RUBY)
    execute_process(COMMAND "${DOGAPI_RUBY}" -e "require 'ffi'" RESULT_VARIABLE _ffi_rc OUTPUT_QUIET ERROR_QUIET)
endif()
if(DOGAPI_RUBY AND _ffi_rc EQUAL 0)
    dogapi_test(examples.ruby INTAKE LABELS examples COMMAND "${DOGAPI_RUBY}" "${_src}/examples-ruby/example.rb")
else()
    _dogapi_missing("ruby with the ffi gem not found")
endif()

find_program(DOGAPI_NODE node)
find_program(DOGAPI_NPM npm)
if(DOGAPI_NODE AND DOGAPI_NPM)
    # npm installs koffi into a copy in the build tree: the source tree stays clean.
    set(_node "${_bin}/examples-node")
    foreach(f package.json package-lock.json example.js)
        configure_file("${_src}/examples-node/${f}" "${_node}/${f}" COPYONLY)
    endforeach()
    dogapi_test(examples.node.npm_ci LABELS examples FIXTURES_SETUP dogapi_node_modules TIMEOUT 300
        WORKING_DIRECTORY "${_node}"
        COMMAND "${DOGAPI_NPM}" ci --no-audit --no-fund --loglevel=error)
    dogapi_test(examples.node INTAKE LABELS examples FIXTURES_REQUIRED dogapi_node_modules
        WORKING_DIRECTORY "${_node}" COMMAND "${DOGAPI_NODE}" example.js)
else()
    _dogapi_missing("node/npm not found")
endif()

find_program(DOGAPI_GO go)
if(DOGAPI_GO)
    get_filename_component(_go_dir "${DOGAPI_GO}" DIRECTORY)
    set(_go_env
        "CGO_ENABLED=1"
        "CGO_CFLAGS=-I${_src}/include"
        "CGO_LDFLAGS=-L${DOGAPI_LIB_DIR} -Wl,-rpath,${DOGAPI_LIB_DIR}"
        "GOCACHE=${_bin}/go/cache" "GOPATH=${_bin}/go/path" "GOFLAGS=-buildvcs=false"
        "GOTOOLCHAIN=local" "GO111MODULE=on" "PATH=${_go_dir}:$ENV{PATH}")
    dogapi_test(examples.go.build LABELS examples FIXTURES_SETUP dogapi_go_example TIMEOUT 300
        WORKING_DIRECTORY "${_src}/examples-go" ENV ${_go_env}
        COMMAND sh "${_src}/examples-go/build.sh" "${_bin}/examples-go/dogapi-example")
    dogapi_test(examples.go INTAKE LABELS examples FIXTURES_REQUIRED dogapi_go_example
        COMMAND "${_bin}/examples-go/dogapi-example")
else()
    _dogapi_missing("go not found")
endif()

# --- packaging: install, then consume the installed prefix -------------------------------------
set(DOGAPI_TEST_PREFIX "${_bin}/test-prefix")
dogapi_test(packaging.install LABELS packaging FIXTURES_SETUP dogapi_prefix TIMEOUT 300
    COMMAND sh "${_src}/tests/packaging/install-and-check.sh" "${CMAKE_COMMAND}" "${_bin}"
            "${DOGAPI_TEST_PREFIX}" "${PROJECT_VERSION}" "${DOGAPI_SOVERSION}" "${CMAKE_INSTALL_LIBDIR}")

# One consumer project, three ways to get dogapi: find_package (installed prefix),
# add_subdirectory and FetchContent (this source tree, sharing this build's cargo target dir
# so nothing is rebuilt).
set(_consumer_common
    "-DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}" "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
    "-DDOGAPI_SOURCE_DIR=${_src}" "-DDOGAPI_CARGO_TARGET_DIR=${DOGAPI_CARGO_TARGET_DIR}"
    "-DDOGAPI_CARGO_FLAGS=${DOGAPI_CARGO_FLAGS}")
foreach(via find_package add_subdirectory fetchcontent)
    set(_cb "${_bin}/consumers/${via}")
    set(_fx "")
    if(via STREQUAL "find_package")
        set(_fx dogapi_prefix)
    endif()
    dogapi_test(packaging.${via}.build LABELS packaging FIXTURES_SETUP dogapi_consumer_${via}
        FIXTURES_REQUIRED ${_fx} TIMEOUT 600
        COMMAND sh "${_src}/tests/packaging/build-consumer.sh" "${CMAKE_COMMAND}"
                "${_src}/tests/packaging/consumer" "${_cb}"
                "-DDOGAPI_VIA=${via}" "-DCMAKE_PREFIX_PATH=${DOGAPI_TEST_PREFIX}" ${_consumer_common})
    foreach(exe c_shared c_static cpp_shared cpp_static)
        dogapi_test(packaging.${via}.${exe} INTAKE LABELS packaging FIXTURES_REQUIRED dogapi_consumer_${via}
            COMMAND "${_cb}/consumer_${exe}")
    endforeach()
    dogapi_test(packaging.${via}.linkage LABELS packaging FIXTURES_REQUIRED dogapi_consumer_${via}
        COMMAND sh "${_src}/tests/packaging/check-linkage.sh" "${_cb}" "${DOGAPI_SOVERSION}")
endforeach()

find_program(DOGAPI_PKG_CONFIG NAMES pkg-config pkgconf)
if(DOGAPI_PKG_CONFIG)
    dogapi_test(packaging.pkg_config.build LABELS packaging FIXTURES_REQUIRED dogapi_prefix
        FIXTURES_SETUP dogapi_pkg_config_consumer
        ENV "PKG_CONFIG=${DOGAPI_PKG_CONFIG}" "CC=${CMAKE_C_COMPILER}"
        COMMAND sh "${_src}/tests/packaging/build-pkg-config-consumer.sh"
                "${DOGAPI_TEST_PREFIX}" "${CMAKE_INSTALL_LIBDIR}" "${_bin}/consumers/pkg-config"
                "${PROJECT_VERSION}")
    dogapi_test(packaging.pkg_config INTAKE LABELS packaging FIXTURES_REQUIRED dogapi_pkg_config_consumer
        ENV "LD_LIBRARY_PATH=${DOGAPI_TEST_PREFIX}/${CMAKE_INSTALL_LIBDIR}"
        COMMAND "${_bin}/consumers/pkg-config/consumer")
    dogapi_test(packaging.pkg_config_static INTAKE LABELS packaging FIXTURES_REQUIRED dogapi_pkg_config_consumer
        COMMAND "${_bin}/consumers/pkg-config/consumer_static")
else()
    _dogapi_missing("pkg-config not found")
endif()

# --- docs --------------------------------------------------------------------------------------
if(DOGAPI_DOXYGEN)
    dogapi_test(docs.doxygen LABELS docs TIMEOUT 300
        COMMAND sh "${_src}/tests/packaging/check-docs.sh" "${_src}/scripts/build-docs.sh" "${_bin}/docs-test")
else()
    _dogapi_missing("doxygen not found")
endif()
