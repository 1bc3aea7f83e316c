-- Keystrokes during a stream survive: typing above and below the region rebases the session
-- and everything lands; typing inside the region stops the session and keeps the typing.
local h = require('helpers')
h.capture_notifications()

local original = table.concat({
  '# utilities',
  '',
  'def area(r):',
  '    return 3.14 * r * r',
  '',
  '',
  'def volume(r, height):',
  '    return area(r) * height',
  '',
  'LIMIT = 10',
  '',
}, '\n')
local new_area = table.concat({
  'def area(r):',
  '    """The area of a circle."""',
  '    import math',
  '    radius = float(r)',
  '    return math.pi * radius * radius',
  '',
}, '\n')
local new_volume = 'def volume(r, height):\n    return area(r) * float(height)\n'

local endpoint = h.start_endpoint({ rules = {
  { match = 'Instruction: slow area rewrite',
    reply = { text = new_area, tokensPerSecond = 25, firstTokenMs = 200 } },
  { match = 'Instruction: slow volume rewrite',
    reply = { text = new_volume, tokensPerSecond = 8, firstTokenMs = 200 } },
} })
local root = h.project({ ['geo.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/geo.py')
local flint = require('flint')

local function session_with(state_pred)
  for _, session in ipairs(flint.sessions()) do
    if state_pred(session) then
      return session
    end
  end
end

-- 1. Type above and below the region while it streams.
vim.api.nvim_win_set_cursor(0, { 4, 4 })
vim.cmd('FlintEdit slow area rewrite')
h.wait_for('the first streamed edit', function()
  return session_with(function(s)
    return s.state == 'streaming'
  end) and h.text(bufnr) ~= original
end)
-- A person types a line under the comment (normal mode "o", insert, <Esc>) ...
vim.api.nvim_win_set_cursor(0, { 1, 0 })
vim.api.nvim_feedkeys('oimport math  # typed', 'nx', false)
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<Esc>', true, false, true), 'nx', false)
-- ... and a plugin or a paste changes the last line.
local last = vim.api.nvim_buf_line_count(bufnr) - 1
vim.api.nvim_buf_set_text(bufnr, last, 10, last, 10, { ' + 5' })

local first
h.wait_for('the area session to end', function()
  first = session_with(function(s)
    return s.result ~= nil
  end)
  return first
end)
h.eq('done', first.result.state,
  'the session finished despite the typing (' .. tostring(first.result.reason) .. ')')
local expected = table.concat({
  '# utilities',
  'import math  # typed',
  '',
  '',
}, '\n') .. new_area .. table.concat({
  '',
  '',
  'def volume(r, height):',
  '    return area(r) * height',
  '',
  'LIMIT = 10 + 5',
  '',
}, '\n')
h.eq(expected, h.text(bufnr), 'streamed text and typed text both in the buffer')
flint.accept({ sessionId = first.id })
h.wait_for('accept', function()
  return flint.sessions()[1].state == 'accepted'
end)

-- 2. Type inside the region while it streams: the session stops, the typing stays.
local volume_row = vim.fn.search('^def volume') -- 1-based
vim.api.nvim_win_set_cursor(0, { volume_row + 1, 4 })
vim.cmd('FlintEdit slow volume rewrite')
h.wait_for('the volume session to stream', function()
  return session_with(function(s)
    return s.state == 'streaming'
  end)
end)
h.sleep(300)
vim.api.nvim_win_set_cursor(0, { volume_row, 0 })
vim.api.nvim_feedkeys('A  # mine', 'nx', false)
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<Esc>', true, false, true), 'nx', false)
local second
h.wait_for('the volume session to end', function()
  second = session_with(function(s)
    return s.id ~= first.id and s.result ~= nil
  end)
  return second
end)
h.eq('cancelled', second.result.state, 'typing inside the region stops the session')
local after = h.text(bufnr)
h.contains(after, '  # mine', 'the keystrokes inside the region survive')
h.sleep(1500)
h.eq(after, h.text(bufnr), 'no edit arrives after the session stopped')
