# Third-party dependencies, all from Debian 12 packages (scripts/setup installs them).
# `deps` carries them plus the repo include root and C++20 to every target of ours;
# `sfwarden_warnings` carries our warning flags (only for our own code).
find_package(Threads REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)  # no version: Debian ships no version file
find_package(Boost 1.74 REQUIRED)             # Boost::headers: Asio and Beast are header-only
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(ZLIB REQUIRED)
find_package(date CONFIG REQUIRED)  # libhowardhinnant-date-dev: IANA time zones (alerts)
find_package(simdjson CONFIG REQUIRED)  # libsimdjson-dev: query pages (salesforce only)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(PUGIXML REQUIRED IMPORTED_TARGET pugixml)
find_path(TL_EXPECTED_INCLUDE_DIR tl/expected.hpp REQUIRED)

add_library(deps INTERFACE)
target_include_directories(deps INTERFACE ${PROJECT_SOURCE_DIR} ${TL_EXPECTED_INCLUDE_DIR})
target_compile_features(deps INTERFACE cxx_std_20)
target_link_libraries(deps INTERFACE
  prometheus-cpp::core Boost::headers OpenSSL::SSL OpenSSL::Crypto
  nlohmann_json::nlohmann_json spdlog::spdlog fmt::fmt SQLite::SQLite3 yaml-cpp
  ZLIB::ZLIB PkgConfig::SYSTEMD PkgConfig::PUGIXML Threads::Threads)
# Boost 1.74's awaitable.hpp uses std::exchange without <utility>; clang needs the
# coroutine macros spelled out (CONVENTIONS.md §0.5). Harmless for GCC.
target_compile_options(deps INTERFACE "SHELL:-include utility")
target_compile_definitions(deps INTERFACE
  BOOST_ASIO_HAS_CO_AWAIT=1 BOOST_ASIO_HAS_STD_COROUTINE=1 BOOST_ASIO_NO_DEPRECATED
  SFWARDEN_VERSION="${PROJECT_VERSION}")

add_library(sfwarden_warnings INTERFACE)
target_compile_options(sfwarden_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough
  # GCC 12 misreads Asio's recycling allocator for coroutine frames (Boost 1.74
  # awaitable) as a new/delete mismatch; seen only at -O0 with sanitizers.
  -Wno-mismatched-new-delete
  # In a unity build (below) GCC takes every .cc after the first in a batch for a header
  # and warns about types from its anonymous namespace; in one file that is no problem.
  $<$<BOOL:${CMAKE_UNITY_BUILD}>:-Wno-subobject-linkage>)

if(SFWARDEN_SANITIZE)
  target_compile_options(deps INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                        -fno-sanitize-recover=undefined)
  target_link_options(deps INTERFACE -fsanitize=address,undefined)
endif()

# scripts/test builds with CMAKE_UNITY_BUILD=ON: CMake compiles the .cc files of a target
# in batches of CMAKE_UNITY_BUILD_BATCH_SIZE, one compiler run each, so the Boost, JSON and
# GoogleTest headers are parsed and their templates instantiated once per batch instead of
# once per file (sfwarden_sim: 245 s of compiler CPU as 29 files, 158 s as 4 batches).
# The files of a batch share one translation unit: a file whose file-local names
# (anonymous namespace, static) clash with another file's of the same target is listed
# with sfwarden_compile_alone(file...) in its folder's CMakeLists.txt. An ordinary build
# (no CMAKE_UNITY_BUILD) is unaffected.
function(sfwarden_compile_alone)
  set_source_files_properties(${ARGN} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
endfunction()

# sfwarden_library(NAME) builds sfwarden_NAME (alias sfwarden::NAME) from every .cc in
# the calling folder (and detail/) except main.cc, so adding a file needs no CMake edit.
function(sfwarden_library name)
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc
       ${CMAKE_CURRENT_SOURCE_DIR}/detail/*.cc)
  list(FILTER _srcs EXCLUDE REGEX "/main\\.cc$")
  if(_srcs)
    add_library(sfwarden_${name} STATIC ${_srcs})
    target_link_libraries(sfwarden_${name} PUBLIC deps PRIVATE sfwarden_warnings)
  else()
    # Not written yet: an empty interface library keeps dependents linking.
    add_library(sfwarden_${name} INTERFACE)
    target_link_libraries(sfwarden_${name} INTERFACE deps)
  endif()
  add_library(sfwarden::${name} ALIAS sfwarden_${name})
endfunction()

# Test code itself is compiled without optimisation: the code under test (our libraries,
# sfwarden, sfsim) keeps the build type's flags, but a GoogleTest file costs two to three
# times as long at -O2 as at -O0 and the suite is built twice by scripts/test.
function(sfwarden_unoptimized_test_code target)
  target_compile_options(${target} PRIVATE -O0)
endfunction()

# sfwarden_test(NAME LIBS...) builds NAME_test from tests/NAME/*_test.cc (+ tests/support).
function(sfwarden_test name)
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  if(NOT _srcs)
    return()
  endif()
  add_executable(${name}_test ${_srcs})
  sfwarden_unoptimized_test_code(${name}_test)
  target_link_libraries(${name}_test PRIVATE ${ARGN} sfwarden_test_support GTest::gmock_main
                                             sfwarden_warnings)
  # Tests find the tree and the build through tests/support (compiled-in paths,
  # overridable with SFWARDEN_SOURCE_DIR / SFWARDEN_BINARY_DIR).
  gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60)
endfunction()
