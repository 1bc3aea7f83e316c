-- Ghost text drawn by the plugin (Neovim 0.7-0.11: extmarks; 0.12+ uses the native API),
-- with keys typed one by one in insert mode in Neovim's own main loop: the suggestion shows
-- at the cursor, typing it moves it on without asking again, accept word / accept / dismiss
-- (the default keys), one request in flight and one model call per pause, and none of it
-- while an edit session streams into the buffer.
local h = require('helpers')
h.capture_notifications()

if require('flint.compat').inline_completion() then
  h.log('  Neovim has vim.lsp.inline_completion: the plugin does not draw ghost text itself')
  return
end

local original = table.concat({
  'import math',
  '',
  '',
  'def area(r):',
  '    return ',
  '',
  '',
  'def volume(r, height):',
  '    return area(r) * height',
  '',
}, '\n')
local AREA_ROW = 4 -- 0-based row of "    return "
local new_volume = 'def volume(r, height):\n    """Volume of a cylinder."""\n'
  .. '    return area(r) * height\n'

-- :help flint-ghost-text exists and the help file still makes its tags (no duplicates).
local doc = h.tempdir()
h.write_file(doc .. '/flint.txt', h.read_file(h.repo .. '/editors/nvim/doc/flint.txt'))
vim.cmd('helptags ' .. vim.fn.fnameescape(doc))
local tags = h.read_file(doc .. '/tags') or ''
for _, tag in ipairs({ 'flint-ghost-text', ':FlintGhostText', 'flint.ghost_text.accept()' }) do
  h.contains(tags, tag .. '\tflint.txt', 'help tag ' .. tag)
end

local endpoint = h.start_endpoint({ rules = {
  { match = 'math.pi<CURSOR>', reply = { text = ' * r * r' } },
  { match = 'r * r<CURSOR>', reply = { text = '  # the area' } },
  { match = 'Instruction: slow volume docstring',
    reply = { text = new_volume, tokensPerSecond = 6, firstTokenMs = 300 } },
  -- Anything else asked at a cursor: a suggestion the test never expects.
  { match = '<CURSOR>', reply = { text = 'unexpected_suggestion' } },
} })
local root = h.project({ ['app.py'] = original })
h.setup_flint({
  root = root,
  settings = {
    models = { fast = { provider = 'openai-chat', baseUrl = endpoint.base_url,
      model = 'fake-fast' } },
    -- Longer than the pauses between the keys typed below, on a loaded machine too.
    completion = { debounceMs = 400 },
  },
  options = { keymaps = true },
})
local bufnr, client = h.open(root .. '/app.py')
local ghost = require('flint.ghost_text')
local ns = require('flint.ghost_view').ns

-- Every inlineCompletion request the plugin sends, and how many are in flight at once.
local sent, in_flight, max_in_flight = 0, {}, 0
local function count_in_flight()
  local n = 0
  for _ in pairs(in_flight) do
    n = n + 1
  end
  return n
end
-- When set: rewrite(params) -> an answer replacing the server's, or nil; before_answer()
-- runs just before the plugin gets an answer, and drawn_at_answer counts the marks just after.
local rewrite, before_answer, drawn_at_answer
local request, cancel_request = client.request, client.cancel_request
client.request = function(method, params, handler, buf)
  if method ~= 'textDocument/inlineCompletion' then
    return request(method, params, handler, buf)
  end
  sent = sent + 1
  local key = {}
  local replacement = rewrite and rewrite(params)
  local ok, id = request(method, params, function(err, result, ...)
    in_flight[key] = nil
    if before_answer and result and result.items and #result.items > 0 then
      before_answer()
      before_answer = nil
      handler(err, replacement or result, ...)
      drawn_at_answer = #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {})
      return
    end
    return handler(err, replacement or result, ...)
  end, buf)
  if ok then
    in_flight[key] = id
    max_in_flight = math.max(max_in_flight, count_in_flight())
  end
  return ok, id
end
client.cancel_request = function(id)
  for key, value in pairs(in_flight) do
    if value == id then
      in_flight[key] = nil
    end
  end
  return cancel_request(id)
end

local function completion_calls()
  return #vim.tbl_filter(function(r)
    return (r.body or ''):find('<CURSOR>', 1, true) ~= nil
  end, endpoint.requests())
end

--- The ghost text's marks: { { row, col, first line, { following lines } } }.
local function marks()
  local list = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })) do
    local details = mark[4]
    local lines = {}
    for _, virt_line in ipairs(details.virt_lines or {}) do
      table.insert(lines, virt_line[1][1])
    end
    table.insert(list, { mark[2], mark[3], details.virt_text[1][1], lines,
      group = details.virt_text[1][2], id = mark[1] })
  end
  return list
end

local function line(row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1]
end

-- Driven in Neovim's main loop (tests/nvim/main_loop.lua): keys typed one at a time, read by
-- the main loop as a person's.
local loop = require('main_loop')
local wait_until, pause, type_keys, chars = loop.wait_until, loop.pause, loop.type_keys, loop.chars

local function test()
  -- 1. Type "math.pi" fast at the end of "    return ": one model call for the pause.
  vim.api.nvim_win_set_cursor(0, { AREA_ROW + 1, 0 })
  vim.api.nvim_input('A')
  wait_until('insert mode', function()
    return vim.api.nvim_get_mode().mode == 'i'
  end)
  type_keys(chars('math.pi'))
  wait_until('the suggestion to show', function()
    return #marks() == 1
  end)
  h.eq({ { AREA_ROW, #'    return math.pi', ' * r * r', {}, group = 'FlintGhostText',
    id = marks()[1].id } }, marks(), 'the suggestion is drawn after the cursor')
  h.truthy(ghost.visible(), 'visible()')
  local calls = completion_calls()
  h.truthy(calls >= 1 and calls <= 2, 'one model call (two on a stalled machine) for the 7 keys of '
    .. '"math.pi", not one per key: ' .. calls)
  h.truthy(sent >= 2, 'the plugin asked while typing (' .. sent .. ' requests)')
  h.eq(1, max_in_flight, 'at most one inlineCompletion request in flight')
  h.eq('    return math.pi', line(AREA_ROW), 'the suggestion is not in the buffer')

  -- 2. Typing what it shows moves it on: no new request, the same mark.
  local mark_id, sent_before = marks()[1].id, sent
  type_keys({ ' ' })
  wait_until('the typed space', function()
    return line(AREA_ROW) == '    return math.pi '
  end)
  pause(100)
  h.eq({ { AREA_ROW, #'    return math.pi ', '* r * r', {}, group = 'FlintGhostText',
    id = mark_id } }, marks(), 'typing the suggestion keeps the rest drawn')
  h.eq(sent_before, sent, 'no request for a keystroke the suggestion predicted')

  -- 3. Accept word (<M-w>) twice: one word each, the rest still drawn.
  type_keys({ '<M-w>' })
  wait_until('the first word', function()
    return line(AREA_ROW) == '    return math.pi *'
  end)
  h.eq({ { AREA_ROW, #'    return math.pi *', ' r * r', {}, group = 'FlintGhostText',
    id = mark_id } }, marks(), 'after accepting "*"')
  h.eq({ AREA_ROW + 1, #'    return math.pi *' }, vim.api.nvim_win_get_cursor(0),
    'the cursor after the accepted word')
  type_keys({ '<M-w>' })
  wait_until('the second word', function()
    return line(AREA_ROW) == '    return math.pi * r'
  end)
  h.eq(' * r', marks()[1][3], 'after accepting " r"')
  h.eq(sent_before, sent, 'accepting words asks nothing')

  -- 4. Accept (<M-l>): the rest lands, the cursor after it, one undo step of its own.
  type_keys({ '<M-l>' })
  wait_until('the accepted suggestion', function()
    return line(AREA_ROW) == '    return math.pi * r * r'
  end)
  h.eq({ AREA_ROW + 1, #'    return math.pi * r * r' }, vim.api.nvim_win_get_cursor(0),
    'the cursor after the accepted text')
  h.eq((original:gsub('    return \n', '    return math.pi * r * r\n')), h.text(bufnr),
    'accept inserted exactly the suggestion')

  -- 5. Dismiss (<M-]>): the next suggestion goes away, the text stays, nothing comes back.
  wait_until('the next suggestion', function()
    return #marks() == 1 and marks()[1][3] == '  # the area'
  end)
  type_keys({ '<M-]>' })
  wait_until('the dismissed suggestion', function()
    return #marks() == 0
  end)
  h.eq(false, ghost.visible(), 'visible() after dismiss')
  pause(700)
  h.eq({}, marks(), 'a dismissed suggestion does not come back by itself')
  h.eq('    return math.pi * r * r', line(AREA_ROW), 'dismiss leaves the text alone')

  -- Leaving insert mode ends it; undo takes back the accepted text only.
  type_keys({ ' ' })
  wait_until('a suggestion after the space', function()
    return #marks() == 1
  end)
  type_keys({ '<Esc>' })
  wait_until('normal mode', function()
    return vim.api.nvim_get_mode().mode == 'n'
  end)
  h.eq({}, marks(), 'InsertLeave clears the ghost text')
  h.eq('    return math.pi * r * r ', line(AREA_ROW), 'the typed space')
  h.eq(1, max_in_flight, 'still at most one request in flight')
  vim.cmd('silent undo')
  h.eq('    return math.pi * r * r', line(AREA_ROW), 'undo takes back the typing after accept')
  vim.cmd('silent undo')
  h.eq('    return math.pi * r', line(AREA_ROW), 'the next undo takes back the accepted text')
  vim.cmd('silent undo')
  h.eq('    return math.pi *', line(AREA_ROW), 'each accepted word is an undo step')
  vim.cmd('silent undo')
  h.eq('    return math.pi ', line(AREA_ROW), 'the first accepted word is apart from the typing')
  for _ = 1, 4 do
    vim.cmd('silent redo')
  end
  h.eq('    return math.pi * r * r ', line(AREA_ROW), 'redo brings it all back')

  -- 6. An item whose range starts before the cursor (the typed "def per"), over two lines:
  -- the typed part is skipped when drawing, and accept replaces exactly the range.
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { '' })
  vim.api.nvim_win_set_cursor(0, { last + 1, 0 })
  rewrite = function(params)
    if line(params.position.line) ~= 'def per' then
      return nil
    end
    return { items = { {
      insertText = 'def perimeter(r):\n    return 2 * math.pi * r',
      range = { start = { line = params.position.line, character = 0 },
        ['end'] = params.position },
    } } }
  end
  vim.api.nvim_input('i')
  type_keys(chars('def per'))
  wait_until('the two-line suggestion', function()
    return #marks() == 1 and marks()[1][3] == 'imeter(r):'
  end)
  h.eq({ { last, #'def per', 'imeter(r):', { '    return 2 * math.pi * r' },
    group = 'FlintGhostText', id = marks()[1].id } }, marks(),
    'the rest of the first line at the cursor, the next line below')
  type_keys({ '<M-l>' })
  wait_until('the accepted two lines', function()
    return line(last + 1) == '    return 2 * math.pi * r'
  end)
  h.eq({ 'def perimeter(r):', '    return 2 * math.pi * r' },
    vim.api.nvim_buf_get_lines(bufnr, last, -1, false), 'accept replaced the range')
  h.eq({ last + 2, #'    return 2 * math.pi * r' }, vim.api.nvim_win_get_cursor(0),
    'the cursor at the end of the accepted text')
  rewrite = nil
  type_keys({ '<Esc>' })

  -- 7. No ghost text while an edit session streams into the buffer: the shown one goes,
  -- typing asks nothing; once the stream is done it comes back.
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.api.nvim_input('A')
  wait_until('a suggestion after "import math"', function()
    return #marks() == 1 and marks()[1][3] == 'unexpected_suggestion'
  end)
  local volume_row = vim.fn.search('^def volume', 'n') -- 1-based
  local outcome
  require('flint').edit({
    instruction = 'slow volume docstring',
    extent = { volume_row, 4, volume_row, 4 },
    on_result = function(err, result)
      outcome = { err = err, result = result }
    end,
  })
  local function streaming()
    for _, session in ipairs(require('flint').sessions()) do
      if session.bufnr == bufnr and session.state == 'streaming' then
        return true
      end
    end
    return false
  end
  wait_until('the session to stream', streaming)
  wait_until('the ghost text to go', function()
    return #marks() == 0
  end, 2000)
  local sent_streaming = sent
  type_keys(chars(' # typed'))
  pause(700)
  h.truthy(streaming(), 'the session still streams while checking')
  h.eq('import math # typed', line(0), 'the typing landed')
  h.eq({}, marks(), 'no ghost text while the session streams')
  h.eq(sent_streaming, sent, 'no request while the session streams')
  wait_until('the session to end', function()
    return outcome ~= nil
  end)
  h.eq('done', outcome.result and outcome.result.state, 'the session finished')
  type_keys({ 'x' })
  wait_until('ghost text again after the stream', function()
    return #marks() == 1
  end)
  h.truthy(sent > sent_streaming, 'asked again once the stream ended')

  -- 8. An answer for a buffer that changed meanwhile (here: just before it arrives) is
  -- not drawn; the change asks again.
  type_keys({ 'y' })
  before_answer = function()
    vim.api.nvim_buf_set_text(bufnr, 0, #line(0), 0, #line(0), { 'z' })
  end
  wait_until('the answer', function()
    return drawn_at_answer ~= nil
  end)
  h.eq(0, drawn_at_answer, 'an answer for an older buffer is not drawn')
  h.eq('import math # typedxyz', line(0), 'the change made before the answer')
  type_keys({ '<Esc>' })

  -- 9. :FlintGhostText off: nothing asked, nothing drawn; on: back.
  vim.cmd('FlintGhostText off')
  local sent_off = sent
  vim.api.nvim_input('A')
  type_keys(chars(' 1'))
  pause(700)
  h.eq({}, marks(), 'no ghost text when turned off')
  h.eq(sent_off, sent, 'no request when turned off')
  type_keys({ '<Esc>' })
  vim.cmd('FlintGhostText toggle')
  vim.api.nvim_input('A')
  type_keys({ '2' })
  wait_until('ghost text turned on again', function()
    return #marks() == 1
  end)
  type_keys({ '<Esc>' })
end

loop.run(function()
  test()
  h.log(string.format('  %d inlineCompletion requests, %d model calls', sent, completion_calls()))
end)
