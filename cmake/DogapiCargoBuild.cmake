# Build-time step (run with `cmake -P`): builds the crate with cargo, asks rustc which system
# libraries the static archive needs, and lays out the artefacts the way they are installed:
#
#   <OUT_DIR>/libdogapi.so.<VERSION>            the cdylib (SONAME libdogapi.so.<SOVERSION>)
#   <OUT_DIR>/libdogapi.so.<SOVERSION> -> libdogapi.so.<VERSION>
#   <OUT_DIR>/libdogapi.so             -> libdogapi.so.<SOVERSION>
#   <OUT_DIR>/libdogapi.a
#   <OUT_DIR>/dogapiNativeStaticLibs.cmake     set(DOGAPI_NATIVE_STATIC_LIBS "gcc_s;util;...")
#   <OUT_DIR>/pkgconfig/dogapi.pc              (from PC_IN, with Libs.private filled in)
#
# Inputs (-D): CARGO, MANIFEST, TARGET_DIR, PROFILE (release|dev|...), OUT_DIR, VERSION,
#              SOVERSION, PC_IN, PC_PREFIX, PKG_DESCRIPTION, INCLUDEDIR, LIBDIR, CARGO_FLAGS (;-list, optional)
cmake_minimum_required(VERSION 3.21)

foreach(v CARGO MANIFEST TARGET_DIR PROFILE OUT_DIR VERSION SOVERSION PC_IN)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "DogapiCargoBuild.cmake: -D${v}=... is required")
    endif()
endforeach()

if(PROFILE STREQUAL "dev")
    set(_profile_dir debug)
else()
    set(_profile_dir ${PROFILE})
endif()

# One rustc invocation builds cdylib + staticlib + rlib; `--print=native-static-libs` makes
# rustc report the link line the staticlib needs. `cargo rustc` (not `cargo build`) is the only
# way to pass that flag to this crate alone; it lives in its own target dir, so the different
# fingerprint does not fight with developers' `cargo build` / `cargo test`.
execute_process(
    COMMAND "${CARGO}" rustc --lib --profile "${PROFILE}" -p dogapi
            --manifest-path "${MANIFEST}" --target-dir "${TARGET_DIR}" ${CARGO_FLAGS}
            -- --print=native-static-libs
    RESULT_VARIABLE _rc
    ERROR_VARIABLE _stderr
    ECHO_ERROR_VARIABLE)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "cargo failed (${_rc})")
endif()

set(_libs_file "${OUT_DIR}/dogapiNativeStaticLibs.cmake")
set(_libs_txt "${TARGET_DIR}/dogapi-native-static-libs.txt")
if(_stderr MATCHES "native-static-libs: ([^\r\n]*)")
    string(STRIP "${CMAKE_MATCH_1}" _flags)
    file(WRITE "${_libs_txt}.tmp" "${_flags}\n")
    file(COPY_FILE "${_libs_txt}.tmp" "${_libs_txt}" ONLY_IF_DIFFERENT)
    file(REMOVE "${_libs_txt}.tmp")
elseif(EXISTS "${_libs_txt}")
    # Crate was fresh and cargo did not replay the note: the last answer still holds.
    file(READ "${_libs_txt}" _flags)
    string(STRIP "${_flags}" _flags)
else()
    message(FATAL_ERROR "rustc did not report native-static-libs; remove ${TARGET_DIR} and rebuild")
endif()

# "-lgcc_s -lutil ... -lc" -> "gcc_s;util;...;c" (frameworks / other flags kept verbatim)
separate_arguments(_flag_list UNIX_COMMAND "${_flags}")
set(_libs "")
foreach(f IN LISTS _flag_list)
    if(f MATCHES "^-l(.+)$")
        list(APPEND _libs "${CMAKE_MATCH_1}")
    else()
        list(APPEND _libs "${f}")
    endif()
endforeach()

file(MAKE_DIRECTORY "${OUT_DIR}" "${OUT_DIR}/pkgconfig")
file(CONFIGURE OUTPUT "${_libs_file}.tmp" CONTENT
"# Generated at build time from `rustc --print=native-static-libs`: the system libraries
# libdogapi.a needs.
set(DOGAPI_NATIVE_STATIC_LIBS \"${_libs}\")
")
file(COPY_FILE "${_libs_file}.tmp" "${_libs_file}" ONLY_IF_DIFFERENT)
file(REMOVE "${_libs_file}.tmp")

set(_src "${TARGET_DIR}/${_profile_dir}")
set(_real "libdogapi.so.${VERSION}")
file(COPY_FILE "${_src}/libdogapi.so" "${OUT_DIR}/${_real}" ONLY_IF_DIFFERENT)
file(COPY_FILE "${_src}/libdogapi.a" "${OUT_DIR}/libdogapi.a" ONLY_IF_DIFFERENT)
# (re)create a symlink only when it is wrong: programs may be loading the library right now
function(_dogapi_link target name)
    if(IS_SYMLINK "${name}")
        file(READ_SYMLINK "${name}" _cur)
        if(_cur STREQUAL target)
            return()
        endif()
    endif()
    file(CREATE_LINK "${target}" "${name}" SYMBOLIC)
endfunction()
_dogapi_link("${_real}" "${OUT_DIR}/libdogapi.so.${SOVERSION}")
_dogapi_link("libdogapi.so.${SOVERSION}" "${OUT_DIR}/libdogapi.so")

# pkg-config file: relocatable (${pcfiledir}), so `cmake --install --prefix P` needs no rewrite.
set(DOGAPI_PC_LIBS_PRIVATE "${_flags}")
configure_file("${PC_IN}" "${OUT_DIR}/pkgconfig/dogapi.pc" @ONLY)
