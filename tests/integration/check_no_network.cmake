# libcurl and the socket API belong to sparkmedic-collect alone (docs/collector.md): the analyzer
# and the core library must run air-gapped. Run as:
#   cmake -DANALYZE=<sparkmedic-analyze> -DCOLLECT=<sparkmedic-collect> -DCORE=<libsparkmedic_core.a> -P check_no_network.cmake
# Checks the undefined (imported) symbols with nm; the collector is the positive control (it must
# import curl, so the check can see an import when there is one).
cmake_minimum_required(VERSION 3.25)
set(forbidden "socket|connect|getaddrinfo|gethostbyname|curl_[a-z_]+")

function(imports out binary)
  execute_process(COMMAND nm -D --undefined-only "${binary}" OUTPUT_VARIABLE syms RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm -D ${binary}: ${err}")
  endif()
  string(REGEX MATCHALL "U (${forbidden})(@[^\n]*)?\n" found "${syms}")
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

imports(analyze_net "${ANALYZE}")
if(analyze_net)
  message(FATAL_ERROR "sparkmedic-analyze imports network symbols: ${analyze_net}")
endif()
execute_process(COMMAND nm --undefined-only "${CORE}" OUTPUT_VARIABLE core_syms ERROR_QUIET)
string(REGEX MATCHALL "U (${forbidden})\n" core_net "${core_syms}")
if(core_net)
  message(FATAL_ERROR "the core library refers to network symbols: ${core_net}")
endif()
imports(collect_net "${COLLECT}")
if(NOT collect_net MATCHES "curl_easy_perform")
  message(FATAL_ERROR "positive control: sparkmedic-collect should import curl_easy_perform; nm saw: ${collect_net}")
endif()
