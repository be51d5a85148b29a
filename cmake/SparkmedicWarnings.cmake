# One place for compiler flags so every target gets the same discipline.
add_library(sparkmedic_warnings INTERFACE)
target_compile_options(sparkmedic_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wimplicit-fallthrough -Wformat=2)
# GCC 12 reports bogus -Wrestrict overlaps inside libstdc++'s std::string at -O3 (GCC bug
# 105329); it fires on correct code, so it is disabled rather than worked around.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sparkmedic_warnings INTERFACE -Wno-restrict)
endif()
if(SPARKMEDIC_WERROR)
  target_compile_options(sparkmedic_warnings INTERFACE -Werror)
endif()

if(SPARKMEDIC_SANITIZE OR SPARKMEDIC_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
# With SPARKMEDIC_FUZZ the same sanitizer build also instruments for libFuzzer, so one clang
# build serves both the ASan test run and the fuzzers (CI builds twice, not three times).
if(SPARKMEDIC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SPARKMEDIC_FUZZ needs clang (libFuzzer)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
