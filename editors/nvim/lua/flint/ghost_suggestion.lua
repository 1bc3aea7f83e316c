-- A ghost-text suggestion as plain data, and the small text computations on it: reading an
-- inlineCompletion item against the buffer, typing through it, splitting off its next word.
-- No drawing and no requests here (ghost_view.lua, ghost_text.lua).
--
-- A suggestion: { row, col, text, tail, tick }: `text` is what is still to be inserted at the
-- cursor (0-based `row`, byte `col`); `tail` is the buffer text after the cursor that the
-- item's range replaces (usually ""); `tick` is the buffer's changedtick it was made for.
local positions = require('flint.positions')

--- A ghost-text suggestion (see above).
---@class flint.GhostSuggestion
---@field row integer 0-based row of the cursor it is for.
---@field col integer Byte column of that cursor.
---@field text string What is still to be inserted at the cursor.
---@field tail string The buffer text after the cursor that the item replaces (usually "").
---@field tick integer The buffer's changedtick it was made for.

--- An InlineCompletionItem (only the fields read here).
---@class flint.InlineCompletionItem
---@field insertText string|{ kind?: string, value: string }
---@field range? flint.Range

local M = {}

--- The buffer text between two positions (0-based rows, byte columns, end exclusive).
---@param bufnr integer
---@param srow integer
---@param scol integer
---@param erow integer
---@param ecol integer
---@return string|nil text nil when the positions are outside the buffer
local function text_between(bufnr, srow, scol, erow, ecol)
  if erow < srow or (erow == srow and ecol <= scol) then
    return ''
  end
  local ok, lines = pcall(vim.api.nvim_buf_get_text, bufnr, srow, scol, erow, ecol, {})
  return ok and table.concat(lines, '\n') or nil
end

---@param arow integer
---@param acol integer
---@param brow integer
---@param bcol integer
---@return boolean
local function before(arow, acol, brow, bcol)
  return arow < brow or (arow == brow and acol < bcol)
end

--- The insert text of an item: a plain string, or a StringValue. Snippets are not drawn:
--- their placeholders cannot be shown as plain text.
---@param item flint.InlineCompletionItem
---@return string|nil
local function insert_text(item)
  local value = item.insertText
  if type(value) == 'string' then
    return value
  end
  if type(value) == 'table' and value.kind ~= 'snippet' and type(value.value) == 'string' then
    return value.value
  end
  return nil
end

--- Reads the first usable item of an inlineCompletion answer for the cursor (row, col):
--- the part of its range before the cursor must already be typed (it is skipped), and the
--- part after the cursor becomes the tail it replaces. Returns a suggestion or nil.
---@param bufnr integer
---@param result { items: flint.InlineCompletionItem[] }|flint.InlineCompletionItem[]|nil
---@param row integer
---@param col integer
---@param encoding flint.PositionEncoding|string
---@return flint.GhostSuggestion|nil
function M.from_result(bufnr, result, row, col, encoding)
  local items = type(result) == 'table' and (result.items or result) or nil
  if type(items) ~= 'table' then
    return nil
  end
  for _, item in ipairs(items) do
    local text = type(item) == 'table' and insert_text(item)
    if text and text ~= '' then
      local suggestion = M.at_cursor(bufnr, item.range, text, row, col, encoding)
      if suggestion then
        return suggestion
      end
    end
  end
  return nil
end

--- `text` replacing LSP `range` (nil: the cursor) seen from the cursor (row, col).
---@param bufnr integer
---@param range flint.Range|nil
---@param text string
---@param row integer
---@param col integer
---@param encoding flint.PositionEncoding|string
---@return flint.GhostSuggestion|nil
function M.at_cursor(bufnr, range, text, row, col, encoding)
  local srow, scol, erow, ecol = row, col, row, col
  if type(range) == 'table' and range.start and range['end'] then
    srow, scol = positions.from_lsp(bufnr, range.start, encoding)
    erow, ecol = positions.from_lsp(bufnr, range['end'], encoding)
  end
  -- The range must hold the cursor: anything else is not a completion at the cursor.
  if before(row, col, srow, scol) or before(erow, ecol, row, col) then
    return nil
  end
  local typed = text_between(bufnr, srow, scol, row, col)
  if typed == nil or text:sub(1, #typed) ~= typed then
    return nil
  end
  local rest = text:sub(#typed + 1)
  local tail = text_between(bufnr, row, col, erow, ecol)
  if rest == '' or tail == nil then
    return nil
  end
  return {
    row = row,
    col = col,
    text = rest,
    tail = tail,
    tick = vim.api.nvim_buf_get_changedtick(bufnr),
  }
end

--- The end (row, col) of the text `tail` starting at (row, col).
---@param suggestion flint.GhostSuggestion
---@return integer row
---@return integer col
function M.tail_end(suggestion)
  local lines = vim.split(suggestion.tail, '\n', { plain = true })
  if #lines == 1 then
    return suggestion.row, suggestion.col + #lines[1]
  end
  return suggestion.row + #lines - 1, #lines[#lines]
end

--- When the only change since `suggestion` is text typed at its cursor that starts the
--- suggestion (the person types what they see), the suggestion moved on by that text;
--- else nil. `line_before` is the cursor's line when the suggestion was drawn.
---@param bufnr integer
---@param suggestion flint.GhostSuggestion
---@param line_before string
---@param row integer
---@param col integer
---@return flint.GhostSuggestion|nil
function M.typed_through(bufnr, suggestion, line_before, row, col)
  if row ~= suggestion.row or col <= suggestion.col then
    return nil
  end
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  local count = col - suggestion.col
  local typed = line:sub(suggestion.col + 1, col)
  if #line ~= #line_before + count
      or line:sub(1, suggestion.col) ~= line_before:sub(1, suggestion.col)
      or line:sub(col + 1) ~= line_before:sub(suggestion.col + 1)
      or suggestion.text:sub(1, count) ~= typed then
    return nil
  end
  return {
    row = row,
    col = col,
    text = suggestion.text:sub(count + 1),
    tail = suggestion.tail,
    tick = vim.api.nvim_buf_get_changedtick(bufnr),
  }
end

-- Bytes of a UTF-8 multibyte character count as word characters, so a word is never cut in
-- the middle of a character.
local WORD = '[%w_\128-\255]'
local PUNCT = '[^%w_%s\128-\255]'

--- The next word of `text` and what follows it. A word is the blanks before it and a run of
--- word characters or of punctuation; a line break comes with the next line's indent.
---@param text string
---@return string word
---@return string rest
function M.next_word(text)
  local word = text:match('^\r?\n[ \t]*')
    or text:match('^[ \t]*' .. WORD .. '+')
    or text:match('^[ \t]*' .. PUNCT .. '+')
    or text:match('^[ \t]+')
    or text
  return word, text:sub(#word + 1)
end

--- Where the cursor lands after inserting `text` at (row, col).
---@param row integer
---@param col integer
---@param text string
---@return integer row
---@return integer col
function M.end_of(row, col, text)
  local lines = vim.split(text, '\n', { plain = true })
  if #lines == 1 then
    return row, col + #lines[1]
  end
  return row + #lines - 1, #lines[#lines]
end

return M
