-- Applies the TextEdits of one document as ONE buffer change, so Neovim reports flint's edit
-- back as one didChange (flint recognises its own edits by that echo). vim.lsp.util applies
-- an edit reaching past the last line (the exclusive end after the final newline, which
-- flint's whole-line edits use) as two changes: the text, then a separate removal of the
-- extra empty line ('fixeol'). Here such an edit replaces whole lines in one
-- nvim_buf_set_lines; any other is one nvim_buf_set_text over the edits' hull, so marks,
-- the cursor and the highlight move as little as possible.
local compat = require('flint.compat')

--- An LSP TextEdit.
---@class flint.TextEdit
---@field range flint.Range
---@field newText string

--- A resolved position: 0-based row and byte col; row = line_count is the end of the document.
---@class flint.BytePos
---@field row integer
---@field col integer

local M = {}

---@param bufnr integer
---@param row integer
---@return string
local function get_line(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

-- { row, col } in bytes; a position on or past line_count is the end of the document,
-- after the final newline: { row = line_count, col = 0 }.
---@param bufnr integer
---@param position flint.Position
---@param encoding flint.PositionEncoding|string
---@param line_count integer
---@return flint.BytePos
local function resolve(bufnr, position, encoding, line_count)
  if position.line >= line_count then
    return { row = line_count, col = 0 }
  end
  local row = math.max(position.line, 0)
  return { row = row, col = compat.byte_col(get_line(bufnr, row), position.character, encoding) }
end

---@param a flint.BytePos
---@param b flint.BytePos
---@return boolean
local function before(a, b)
  return a.row < b.row or (a.row == b.row and a.col < b.col)
end

---@param text string
---@return string[]
local function split_lines(text)
  return vim.split(text, '\n', { plain = true })
end

--- Applies `edits` (LSP TextEdit[], not overlapping) to loaded buffer `bufnr`.
--- Raises an error (nothing applied) when the edits overlap.
---@param bufnr integer
---@param edits flint.TextEdit[]
---@param encoding flint.PositionEncoding|string
function M.apply(bufnr, edits, encoding)
  if #edits == 0 then
    return
  end
  local line_count = vim.api.nvim_buf_line_count(bufnr)
  local items = {}
  for index, edit in ipairs(edits) do
    local s = resolve(bufnr, edit.range.start, encoding, line_count)
    local e = resolve(bufnr, edit.range['end'], encoding, line_count)
    if before(e, s) then
      s, e = e, s
    end
    items[index] = { s = s, e = e, text = (edit.newText or ''):gsub('\r\n?', '\n'), index = index }
  end
  table.sort(items, function(a, b)
    if a.s.row ~= b.s.row or a.s.col ~= b.s.col then
      return before(a.s, b.s)
    end
    return a.index < b.index
  end)
  local hull_start, hull_end = items[1].s, items[1].e
  for i = 2, #items do
    if before(items[i].s, items[i - 1].e) then
      error('overlapping text edits')
    end
    if before(hull_end, items[i].e) then
      hull_end = items[i].e
    end
  end

  -- The old text of the rows the hull touches, and each position's offset in it.
  local reaches_end = hull_end.row >= line_count
  local first_row = math.min(hull_start.row, line_count)
  local last_row = reaches_end and line_count - 1 or hull_end.row
  local lines = first_row <= last_row
      and vim.api.nvim_buf_get_lines(bufnr, first_row, last_row + 1, false) or {}
  local old = table.concat(lines, '\n')
  if reaches_end and #lines > 0 then
    old = old .. '\n'
  end
  local row_offset, acc = {}, 0
  for i, line in ipairs(lines) do
    row_offset[first_row + i - 1] = acc
    acc = acc + #line + 1
  end
  local function offset(p)
    if p.row >= line_count then
      return #old
    end
    return row_offset[p.row] + p.col
  end

  local new = old
  for i = #items, 1, -1 do
    local item = items[i]
    new = new:sub(1, offset(item.s)) .. item.text .. new:sub(offset(item.e) + 1)
  end

  if reaches_end then
    -- Whole lines to the end of the buffer; the final newline is Neovim's 'eol'.
    local new_lines = {}
    if new ~= '' then
      if new:sub(-1) == '\n' then
        new = new:sub(1, -2)
      end
      new_lines = split_lines(new)
    end
    vim.api.nvim_buf_set_lines(bufnr, first_row, line_count, false, new_lines)
    return
  end
  local prefix = offset(hull_start)
  local suffix = #old - offset(hull_end)
  local replacement = new:sub(prefix + 1, #new - suffix)
  vim.api.nvim_buf_set_text(bufnr, hull_start.row, hull_start.col, hull_end.row, hull_end.col,
    split_lines(replacement))
end

return M
