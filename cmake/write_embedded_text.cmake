# Script mode: writes OUT, a C++ file defining `const std::string_view SYMBOL` with the text of IN.
file(READ ${IN} text)
string(FIND "${text}" ")eyesim_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )eyesim_text\"")
endif()
file(WRITE ${OUT} "// Generated from ${IN} by cmake/write_embedded_text.cmake; do not edit.\n#include <string_view>\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL} = R\"eyesim_text(${text})eyesim_text\";\n")
