# Script mode: writes OUT as a C++ file defining sm::embedded::SYMBOL from the bytes of IN.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR nbytes "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
file(WRITE "${OUT}" "// generated from ${IN}; do not edit\n#include <string_view>\nnamespace sm::embedded {\nstatic const char data_${SYMBOL}[] = {${body} '\\0'};\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL}(data_${SYMBOL}, ${nbytes});\n}\n")
