-- Ghost text's text logic in a real Neovim, without a server: reading an inlineCompletion
-- answer against the buffer (a range starting before the cursor, UTF-16 columns, items that
-- cannot be shown), typing through a suggestion, and what accept word takes.
local h = require('helpers')
local s = require('flint.ghost_suggestion')

local dir = h.project({ ['g.py'] = 'x = "é✓"\nvalue = comp\n' })
vim.cmd('edit ' .. dir .. '/g.py')
local bufnr = vim.api.nvim_get_current_buf()

local function at(line, character)
  return { line = line, character = character }
end

local function item(text, start, finish)
  return { insertText = text, range = { start = start, ['end'] = finish } }
end

-- Row 1 is "value = comp", the cursor after "comp" (byte 12).
local shown = s.from_result(bufnr, { items = { item('compute()', at(1, 8), at(1, 12)) } },
  1, 12, 'utf-16')
h.eq({ row = 1, col = 12, text = 'ute()', tail = '',
  tick = vim.api.nvim_buf_get_changedtick(bufnr) }, shown, 'the typed "comp" is skipped')

h.eq(nil, s.from_result(bufnr, { items = { item('count()', at(1, 8), at(1, 12)) } }, 1, 12,
  'utf-16'), 'an item that does not start with the typed text is not shown')
h.eq(nil, s.from_result(bufnr, { items = { item('ute()', at(1, 10), at(1, 10)) } }, 1, 8,
  'utf-16'), 'an item after the cursor is not shown')
h.eq(nil, s.from_result(bufnr, { items = { {
  insertText = { kind = 'snippet', value = 'ute(${1})' }, range = nil } } }, 1, 12, 'utf-16'),
  'a snippet is not shown')
h.eq('ute()', s.from_result(bufnr, { { insertText = 'ute()' } }, 1, 12, 'utf-16').text,
  'a bare list of items, without a range: at the cursor')
h.eq('second', s.from_result(bufnr, { items = { { insertText = '' },
  { insertText = 'second' } } }, 1, 12, 'utf-16').text, 'the first item with text')

-- Row 0 is 'x = "é✓"': after the closing quote is byte 11 but UTF-16 character 8.
local utf = s.from_result(bufnr, { items = { item('"é✓" + 1', at(0, 4), at(0, 8)) } }, 0, 11,
  'utf-16')
h.eq(' + 1', utf and utf.text, 'UTF-16 columns are read as bytes')
local with_tail = s.from_result(bufnr, { items = { item('"é✓"', at(0, 4), at(0, 8)) } }, 0,
  #'x = "é', 'utf-16')
h.eq({ '✓"', '✓"' }, { with_tail and with_tail.text, with_tail and with_tail.tail },
  'the part of the range after the cursor is its tail')
h.eq({ 0, 11 }, { s.tail_end(with_tail) }, 'the tail ends where the range does')

-- Typing through: only the suggestion's own next characters, typed at its cursor.
local line_before = 'value = comp'
vim.api.nvim_buf_set_lines(bufnr, 1, 2, false, { 'value = compu' })
local moved = s.typed_through(bufnr, shown, line_before, 1, 13)
h.eq('te()', moved and moved.text, 'typing "u" moves the suggestion on')
h.eq(13, moved and moved.col, 'to the new cursor')
vim.api.nvim_buf_set_lines(bufnr, 1, 2, false, { 'value = compa' })
h.eq(nil, s.typed_through(bufnr, shown, line_before, 1, 13), 'typing "a" does not')
vim.api.nvim_buf_set_lines(bufnr, 1, 2, false, { 'xvalue = compu' })
h.eq(nil, s.typed_through(bufnr, shown, line_before, 1, 14),
  'a change elsewhere in the line does not')
h.eq(nil, s.typed_through(bufnr, shown, line_before, 1, 12), 'no typing is no move')

-- Accept word: a word with the blanks before it, a run of punctuation, a line break with
-- the next indent; a UTF-8 character is never cut.
h.eq({ ' total', ' = 0' }, { s.next_word(' total = 0') }, 'word')
h.eq({ '(', 'x)' }, { s.next_word('(x)') }, 'a run of punctuation')
h.eq({ '\n    ', 'return x' }, { s.next_word('\n    return x') }, 'line break and indent')
h.eq({ 'café', '(x)' }, { s.next_word('café(x)') }, 'a word with é')
h.eq({ ' ', '' }, { s.next_word(' ') }, 'only blanks')
h.eq({ 3, 3 }, { s.end_of(1, 12, 'a\nb\nxyz') }, 'the cursor after several lines')
h.eq({ 1, 15 }, { s.end_of(1, 12, 'xyz') }, 'the cursor after one line')
