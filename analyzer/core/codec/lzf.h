#pragma once
// The LZF block format (liblzf, as ning compress-lzf writes it inside 'ZV' chunks). Written
// here because Debian has no LZF library; every read and back-reference is bounds-checked.
#include <cstddef>
#include <span>

namespace sm::codec::detail {

enum class LzfStatus { ok, input_overrun, output_overrun, bad_reference, short_output };

const char* lzf_status_text(LzfStatus s);

// Decodes one LZF block into out, which must come out exactly full with all input consumed.
// error_pos receives the input offset of the offending instruction on failure.
LzfStatus lzf_decompress(std::span<const char> in, std::span<char> out, size_t* error_pos);

}  // namespace sm::codec::detail
