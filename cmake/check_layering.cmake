# Fails when a source includes a header of a layer above its own (see server/CMakeLists.txt).
# Run as: cmake -DROOT=<source dir> -DSTAMP=<file to touch> -P check_layering.cmake
#
# A layer may include itself and the layers listed after it, nothing else of flint's.
set(layers
  "server/=server/ server/jobs/ server/completion/ server/edits/ server/models/ server/text/ protocol/ parsers/"
  "server/jobs/=server/jobs/ server/models/ server/text/ protocol/ parsers/"
  "server/completion/=server/completion/ server/edits/ server/models/ server/text/ protocol/ parsers/"
  "server/edits/=server/edits/ server/models/ server/text/ protocol/ parsers/"
  "server/models/=server/models/ server/text/ protocol/ parsers/"
  "server/models/websocket/=server/models/websocket/ server/models/ server/text/ protocol/ parsers/"
  "server/text/=server/text/ protocol/ parsers/"
  "protocol/=protocol/"
  "parsers/=parsers/")

file(GLOB_RECURSE sources RELATIVE ${ROOT}
     ${ROOT}/protocol/*.h ${ROOT}/protocol/*.cpp ${ROOT}/parsers/*.h ${ROOT}/parsers/*.cpp
     ${ROOT}/server/*.h ${ROOT}/server/*.cpp)
set(violations "")
foreach(source ${sources})
  if(source MATCHES "/node_modules/")
    continue()
  endif()
  # The source's layer: its folder (server/ files directly in server/ are the top).
  get_filename_component(folder ${source} DIRECTORY)
  set(layer "${folder}/")
  set(allowed "")
  foreach(entry ${layers})
    string(FIND "${entry}" "=" eq)
    string(SUBSTRING "${entry}" 0 ${eq} name)
    if(name STREQUAL layer)
      math(EXPR start "${eq} + 1")
      string(SUBSTRING "${entry}" ${start} -1 allowed)
    endif()
  endforeach()
  if(allowed STREQUAL "")
    continue()  # a folder without a rule (e.g. parsers/grammars)
  endif()
  separate_arguments(allowed)
  file(STRINGS ${ROOT}/${source} includes REGEX "^#include \"")
  foreach(line ${includes})
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" header "${line}")
    if(NOT header MATCHES "^(server|protocol|parsers)/")
      continue()  # generated or third-party headers
    endif()
    get_filename_component(header_folder ${header} DIRECTORY)
    set(ok FALSE)
    foreach(prefix ${allowed})
      if("${header_folder}/" STREQUAL "${prefix}")
        set(ok TRUE)
      endif()
    endforeach()
    if(NOT ok)
      string(APPEND violations "\n  ${source} includes ${header}")
    endif()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "an include reaches up a layer (see server/CMakeLists.txt):${violations}")
endif()
file(TOUCH ${STAMP})
