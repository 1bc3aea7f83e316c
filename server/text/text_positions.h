#pragma once
// Byte offsets of a TextBuffer as LSP positions in a position encoding (UTF-8, -16 or -32).

#include <cstdint>

#include "protocol/lsp_types.h"
#include "protocol/position_encoding.h"
#include "server/text/text_buffer.h"

namespace flint {

protocol::Position position_in(const TextBuffer& text, uint32_t byte,
                               protocol::PositionEncoding encoding);
protocol::Range range_in(const TextBuffer& text, uint32_t begin, uint32_t end,
                         protocol::PositionEncoding encoding);

}  // namespace flint
