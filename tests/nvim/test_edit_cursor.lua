-- :FlintEdit at the cursor: the enclosing function is rewritten by the streamed answer, the
-- region is highlighted while it streams and for review, :FlintAccept clears it, and the
-- whole session is one undo step.
local h = require('helpers')
h.capture_notifications()

local original = table.concat({
  'import math',
  '',
  '',
  'def area(r):',
  '    return 3.14 * r * r',
  '',
  '',
  'def greet(name):',
  '    print("hello " + name)',
  '',
}, '\n')
local new_area =
  'def area(r):\n    """Area of a circle of radius r."""\n    return math.pi * r * r\n'
local expected = original:gsub('def area%(r%):\n    return 3%.14 %* r %* r\n', new_area)

local endpoint = h.start_endpoint({ rules = { {
  match = 'Instruction: use math.pi',
  reply = { text = new_area, tokensPerSecond = 60 },
} } })
local root = h.project({ ['app.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/app.py')

-- Watch the highlight while the session streams.
local highlighted_while_streaming = false
local percentage_shown
vim.api.nvim_create_autocmd('User', { pattern = 'FlintStatus', callback = function()
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, require('flint.highlight').ns, 0, -1,
    { details = true })
  -- The statusline names the instruction while the edit streams.
  local line = require('flint').status(bufnr)
  if line:find('flint: editing "use math.pi and add a docstring"', 1, true) == 1 and #marks == 1
      and marks[1][4].hl_group == 'FlintStreaming' then
    highlighted_while_streaming = true
  end
  percentage_shown = percentage_shown or line:match('^flint: editing "use math.pi and add a docstring" (%d+)%%')
end })

vim.api.nvim_win_set_cursor(0, { 5, 12 })
vim.cmd('FlintEdit use math.pi and add a docstring')
local session
h.wait_for('the session to finish streaming', function()
  session = require('flint').sessions()[1]
  return session and session.result ~= nil
end)
h.eq('done', session.result.state, 'session result state')
h.eq(expected, h.text(bufnr), 'buffer after the streamed edit')
h.truthy(highlighted_while_streaming, 'the region was highlighted while streaming')
h.truthy(percentage_shown and tonumber(percentage_shown) <= 99,
  'the statusline showed the instruction and a percentage: ' .. tostring(percentage_shown))

local stats = session.result.stats
h.truthy(stats and stats.tokens > 0, 'stats count tokens')
h.truthy(stats.edits >= 2,
  'the answer arrived as several edits (got ' .. tostring(stats.edits) .. ')')
h.truthy(type(stats.firstEditMs) == 'number', 'stats have the time to the first edit')
h.truthy(vim.tbl_filter(function(n)
  return n.message:find('edit ready', 1, true) ~= nil
end, h.notifications)[1], 'the finished session is announced')

local ns = require('flint.highlight').ns
local marks = vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })
h.eq(1, #marks, 'one region mark while the edit awaits review')
h.eq('FlintReview', marks[1][4].hl_group, 'review highlight')
h.eq(3, marks[1][2], 'the mark starts at the def line')

vim.cmd('FlintAccept')
h.wait_for('the session to be accepted', function()
  return require('flint').sessions()[1].state == 'accepted'
end)
h.eq({}, vim.api.nvim_buf_get_extmarks(bufnr, require('flint.highlight').ns, 0, -1, {}),
  'accept clears the highlight')
h.eq(expected, h.text(bufnr), 'buffer after accept')

vim.cmd('silent undo')
h.eq(original, h.text(bufnr), 'one undo takes back the whole session')
local requests = endpoint.requests()
h.truthy(#requests >= 1, 'the endpoint was asked')
