#include "server/text/text_positions.h"

namespace flint {

protocol::Position position_in(const TextBuffer& text, uint32_t byte,
                               protocol::PositionEncoding encoding) {
  parsers::TextPoint point = text.point_of(byte);
  return {point.row, protocol::character_of_byte(text.line(point.row), point.column, encoding)};
}

protocol::Range range_in(const TextBuffer& text, uint32_t begin, uint32_t end,
                         protocol::PositionEncoding encoding) {
  return {position_in(text, begin, encoding), position_in(text, end, encoding)};
}

}  // namespace flint
