-- Review where the eyes are: while a session is live, a virtual line above its region names
-- the actions and their keys (buffer-local keys that exist only while the session is live and
-- never replace a mapping of the user's); the statusline names the instruction; :FlintEdit
-- without an instruction asks with vim.ui.input; `u` during review keeps the session usable;
-- `u` after a reject brings flint's text back as plain text and says so once.
local h = require('helpers')
h.capture_notifications()

local original = table.concat({
  '# geometry',
  '',
  'def area(r):',
  '    return 3.14 * r * r',
  '',
}, '\n')
local new_area = table.concat({
  'def area(r):',
  '    """The area of a circle of radius r."""',
  '    import math',
  '    return math.pi * r * r',
  '',
}, '\n')
local edited = '# geometry\n\n' .. new_area

local endpoint = h.start_endpoint({ rules = {
  { match = 'Instruction: slow docstring',
    reply = { text = new_area, tokensPerSecond = 15, firstTokenMs = 200 } },
} })
local root = h.project({ ['geo.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/geo.py')
local flint = require('flint')
local actions_ns = require('flint.highlight').actions_ns

-- A mapping of the user's on the reject key: flint must leave it alone.
vim.keymap.set('n', '<leader>ir', '<cmd>let g:user_reject = 1<cr>', { desc = 'mine' })

local function actions()
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, actions_ns, 0, -1, { details = true })
  local list = {}
  for _, mark in ipairs(marks) do
    local lines = mark[4].virt_lines or {}
    local chunk = lines[1] and lines[1][1]
    table.insert(list, { row = mark[2], above = mark[4].virt_lines_above, text = chunk and chunk[1] })
  end
  return list
end

local function buffer_map(lhs)
  local map = vim.fn.maparg(lhs, 'n', false, true)
  return map.buffer == 1 and map or nil
end

-- :FlintEdit without an instruction: vim.ui.input; cancelled, nothing starts.
local prompts = {}
local answer = nil
vim.ui.input = function(opts, on_confirm)
  table.insert(prompts, opts.prompt)
  on_confirm(answer)
end
vim.api.nvim_win_set_cursor(0, { 4, 4 })
vim.cmd('FlintEdit')
h.eq({ 'flint edit: ' }, prompts, ':FlintEdit without an instruction prompts')
h.sleep(200)
h.eq({}, flint.sessions(), 'a cancelled prompt starts nothing')
h.eq(original, h.text(bufnr), 'nor changes the buffer')
h.truthy(vim.tbl_filter(function(n)
  return n.message:find('no instruction given', 1, true) ~= nil
end, h.notifications)[1], 'a cancelled prompt says nothing was done')

-- The prompt answered: the edit starts.
answer = 'slow docstring'
vim.cmd('FlintEdit')
h.eq(2, #prompts, 'prompted again')

h.wait_for('the actions line while streaming', function()
  local list = actions()
  return #list == 1 and list[1].text:find('^flint: editing…') ~= nil and h.text(bufnr) ~= original
end)
local line = actions()[1]
h.eq(2, line.row, 'the actions line is at the region\'s first line (row of "def area")')
h.eq(true, line.above, 'the actions line is drawn above it')
h.contains(line.text, '· steer <leader>is · cancel <leader>ic', 'streaming actions name the keys')
h.truthy(buffer_map('<leader>ic'), 'cancel key mapped in the buffer while streaming')
h.contains(flint.status(bufnr), 'flint: editing "slow docstring"', 'statusline while streaming')

h.wait_for('review', function()
  local session = flint.sessions()[1]
  return session and session.state == 'done'
end)
h.eq(edited, h.text(bufnr), 'the edit landed')
h.wait_for('the review actions line', function()
  local list = actions()
  return #list == 1 and list[1].text:find('^flint: in review') ~= nil
end)
h.eq('flint: in review — accept <leader>ia · reject :FlintReject · steer <leader>is', actions()[1].text,
  'review actions: the keys flint mapped, the command where the user has a mapping')
h.eq(2, actions()[1].row, 'review line still above the region')
h.eq('flint: in review "slow docstring"', flint.status(bufnr), 'statusline in review')
h.truthy(buffer_map('<leader>ia'), 'accept key mapped in the buffer')
h.eq(nil, buffer_map('<leader>ir'), 'the user\'s reject key is not overridden')
h.eq('mine', vim.fn.maparg('<leader>ir', 'n', false, true).desc, 'the user\'s mapping stays')

-- `u` during review: the edit is undone; the session stays in review and can be decided.
vim.cmd('silent undo')
h.eq(original, h.text(bufnr), 'undo during review restores the text before the session')
h.sleep(200)
h.eq('done', flint.sessions()[1].state, 'the session is still in review after undo')
h.eq(1, #actions(), 'its actions line stays')
vim.cmd('silent redo')
h.eq(edited, h.text(bufnr), 'redo brings the edit back')

-- The accept key, typed.
vim.api.nvim_feedkeys('\\ia', 'mx', false)
h.wait_for('the accept key to accept', function()
  return flint.sessions()[1].state == 'accepted'
end)
h.eq(edited, h.text(bufnr), 'accepting keeps the text')
h.eq({}, actions(), 'the actions line is cleared when the session ends')
h.eq(nil, buffer_map('<leader>ia'), 'the session keys are gone after the session')
h.eq(nil, buffer_map('<leader>ic'), 'all of them')
h.eq('mine', vim.fn.maparg('<leader>ir', 'n', false, true).desc, 'the user\'s mapping is intact')
h.eq('', flint.status(bufnr), 'statusline idle')

-- Reject, then `u`: flint's text comes back as plain text, and the plugin says so once.
vim.cmd('silent undo')
h.eq(original, h.text(bufnr), 'back to the original')
vim.api.nvim_win_set_cursor(0, { 4, 4 })
vim.cmd('FlintEdit slow docstring')
h.wait_for('the second session in review', function()
  for _, s in ipairs(flint.sessions()) do
    if s.state == 'done' then
      return true
    end
  end
end)
local function undo_notices()
  return #vim.tbl_filter(function(n)
    return n.message:find('undo brought back the rejected edit', 1, true) ~= nil
  end, h.notifications)
end
vim.cmd('FlintReject')
h.wait_text(bufnr, original, 'the rejection restores the original')
h.sleep(100)
h.eq(0, undo_notices(), 'no notice before any undo')
vim.cmd('silent undo')
h.eq(edited, h.text(bufnr), 'undo of the rejection brings the edit back')
h.wait_for('the notice', function()
  return undo_notices() == 1
end)
vim.cmd('silent redo')
vim.cmd('silent undo')
h.sleep(100)
h.eq(1, undo_notices(), 'said once')
h.eq({}, actions(), 'no actions line for text that is not in review')
