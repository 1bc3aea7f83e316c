-- Conversions between Neovim's (row, byte column) and LSP positions in the client's
-- negotiated encoding, and the ranges the commands send: the cursor, or a visual selection.
local compat = require('flint.compat')

--- An LSP Position: 0-based line, character in the client's position encoding.
---@class flint.Position
---@field line integer
---@field character integer

--- An LSP Range (end exclusive).
---@class flint.Range
---@field start flint.Position
---@field end flint.Position

--- A byte extent: { start_row, start_col, end_row, end_col }, 0-based rows, byte columns,
--- end exclusive.
---@alias flint.Extent integer[]

local M = {}

---@param bufnr integer
---@param row integer 0-based
---@return string
local function line_text(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

--- LSP position of 0-based `row` and byte `col`.
---@param bufnr integer
---@param row integer
---@param col integer
---@param encoding flint.PositionEncoding|string
---@return flint.Position
function M.to_lsp(bufnr, row, col, encoding)
  return { line = row, character = compat.char_col(line_text(bufnr, row), col, encoding) }
end

--- 0-based row and byte column of an LSP position, clamped into the buffer. A position past
--- the last line (the exclusive end of a whole-line range) becomes the end of the last line.
---@param bufnr integer
---@param position flint.Position
---@param encoding flint.PositionEncoding|string
---@return integer row
---@return integer col
function M.from_lsp(bufnr, position, encoding)
  local last = vim.api.nvim_buf_line_count(bufnr) - 1
  if position.line > last then
    return last, #line_text(bufnr, last)
  end
  local row = math.max(position.line, 0)
  return row, compat.byte_col(line_text(bufnr, row), position.character, encoding)
end

--- The byte extent of an LSP range, for an extmark: { start_row, start_col, end_row, end_col }.
--- A range ending at column 0 of a later line ends at the end of the line before, so text
--- inserted at the start of the next (outside) line does not widen the mark.
---@param bufnr integer
---@param range flint.Range
---@param encoding flint.PositionEncoding|string
---@return flint.Extent
function M.range_to_extent(bufnr, range, encoding)
  local srow, scol = M.from_lsp(bufnr, range.start, encoding)
  local erow, ecol = M.from_lsp(bufnr, range['end'], encoding)
  if range['end'].character == 0 and range['end'].line > range.start.line
      and range['end'].line <= vim.api.nvim_buf_line_count(bufnr) - 1 then
    erow = range['end'].line - 1
    ecol = #line_text(bufnr, erow)
  end
  if erow < srow or (erow == srow and ecol < scol) then
    erow, ecol = srow, scol
  end
  return { srow, scol, erow, ecol }
end

--- Extents are what commands capture at once (before a prompt moves the cursor or the
--- client has negotiated its encoding): { start_row, start_col, end_row, end_col }, 0-based
--- rows, byte columns, end exclusive.

--- The extent of the cursor of `winid` (default: current window): empty.
---@param winid? integer
---@return flint.Extent
function M.cursor_extent(winid)
  local cursor = vim.api.nvim_win_get_cursor(winid or 0)
  return { cursor[1] - 1, cursor[2], cursor[1] - 1, cursor[2] }
end

--- Lines `line1`..`line2` (1-based, inclusive), ending at the end of the last line.
---@param bufnr integer
---@param line1 integer
---@param line2 integer
---@return flint.Extent
function M.lines_extent(bufnr, line1, line2)
  return { line1 - 1, 0, line2 - 1, #line_text(bufnr, line2 - 1) }
end

--- The last visual selection ('< and '> marks) of `bufnr`: characterwise for "v", whole
--- lines for "V" and blockwise selections. nil when there is none.
---@param bufnr integer
---@param mode? string visualmode(): 'v', 'V' or CTRL-V (default: the last one).
---@return flint.Extent|nil
function M.visual_extent(bufnr, mode)
  local s = vim.api.nvim_buf_get_mark(bufnr, '<')
  local e = vim.api.nvim_buf_get_mark(bufnr, '>')
  if s[1] == 0 or e[1] == 0 then
    return nil
  end
  if s[1] > e[1] or (s[1] == e[1] and s[2] > e[2]) then
    s, e = e, s
  end
  mode = mode or vim.fn.visualmode()
  if mode ~= 'v' then
    return M.lines_extent(bufnr, s[1], e[1])
  end
  local last = line_text(bufnr, e[1] - 1)
  -- '> marks the first byte of the last selected character (or v:maxcol after "$").
  local end_col = math.min(e[2], #last)
  if end_col < #last then
    local char = vim.fn.strcharpart(last:sub(end_col + 1), 0, 1)
    end_col = end_col + math.max(#char, 1)
  end
  return { s[1] - 1, math.min(s[2], #line_text(bufnr, s[1] - 1)), e[1] - 1, end_col }
end

--- The LSP range of an extent.
---@param bufnr integer
---@param extent flint.Extent
---@param encoding flint.PositionEncoding|string
---@return flint.Range
function M.extent_to_range(bufnr, extent, encoding)
  return {
    start = M.to_lsp(bufnr, extent[1], extent[2], encoding),
    ['end'] = M.to_lsp(bufnr, extent[3], extent[4], encoding),
  }
end

return M
