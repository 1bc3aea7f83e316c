-- The plugin's own logic in a real Neovim, without a server: the applyEdit handler's version
-- check and undo grouping, session highlights, selections as LSP ranges, the statusline.
local h = require('helpers')
local apply_edit = require('flint.apply_edit')
local highlight = require('flint.highlight')
local positions = require('flint.positions')
local sessions = require('flint.sessions')
local jobs = require('flint.jobs')
local progress = require('flint.progress')
local flint = require('flint')

h.capture_notifications()
vim.cmd('runtime! plugin/flint.lua')
h.truthy(vim.fn.exists(':FlintEdit') == 2, ':FlintEdit is defined')
h.truthy(vim.fn.exists(':FlintJobs') == 2, ':FlintJobs is defined')

local dir = h.project({ ['m.py'] = 'a = 1\nb = 2\nc = 3\nd = "é✓x"\n' })
vim.cmd('edit ' .. dir .. '/m.py')
local bufnr = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(bufnr)
local original = h.text(bufnr)

-- Each RPC message arrives in its own event-loop turn, between which Neovim closes the undo
-- block; `let &undolevels = &undolevels` closes it here the same way (:help undo-break).
local function break_undo()
  vim.o.undolevels = vim.o.undolevels
end

local function edit_at(line, from, to, text, version)
  break_undo()
  return apply_edit.handler(nil, {
    edit = {
      documentChanges = { {
        textDocument = { uri = uri, version = version or vim.api.nvim_buf_get_changedtick(bufnr) },
        edits = { {
          range = {
            start = { line = line, character = from },
            ['end'] = { line = line, character = to },
          },
          newText = text,
        } },
      } },
    },
  }, { client_id = -1 })
end

-- A session streams three edits into lines 2-3: one undo step.
local region = { start = { line = 1, character = 0 }, ['end'] = { line = 3, character = 0 } }
sessions.on_notification(nil,
  { sessionId = 's1', uri = uri, state = 'streaming', region = region }, {})
h.eq({ applied = true }, edit_at(1, 4, 5, '20'), 'first streamed edit')
h.eq({ applied = true }, edit_at(2, 4, 5, '30'), 'second streamed edit')
h.eq({ applied = true }, edit_at(1, 0, 1, 'beta'), 'third streamed edit')
local streamed = 'a = 1\nbeta = 20\nc = 30\nd = "é✓x"\n'
h.eq(streamed, h.text(bufnr), 'text after the streamed edits')

-- The highlight covers the region and follows text inserted above it.
local mark = sessions.by_id.s1.mark
h.truthy(mark, 'the streaming session has an extmark')
h.eq({ 1, 0, 2, 6, 'FlintStreaming' }, highlight.extent(bufnr, mark),
  'region extmark (to the end of line 3, not line 4 column 0)')
break_undo()
vim.api.nvim_buf_set_lines(bufnr, 0, 0, false, { '# typed above' })
h.eq({ 2, 0, 3, 6 }, { unpack(highlight.extent(bufnr, mark), 1, 4) },
  'the mark moved down with the text')
vim.cmd('silent undo')
h.eq(streamed, h.text(bufnr), 'undo of the typed line only')

-- An edit made for an older version is refused, and the buffer is untouched.
local tick = vim.api.nvim_buf_get_changedtick(bufnr)
local answer = edit_at(2, 4, 6, '3', tick - 1)
h.eq(false, answer.applied, 'stale edit refused')
h.contains(answer.failureReason, 'version', 'the refusal says why')
h.eq(streamed, h.text(bufnr), 'stale edit not applied')

-- The session ends: one undo restores the original text.
sessions.on_notification(nil, { sessionId = 's1', uri = uri, state = 'done', region = region }, {})
h.eq('FlintReview', highlight.extent(bufnr, mark)[5], 'done sessions are drawn for review')
h.eq('flint: in review', flint.status(bufnr), 'statusline while reviewing')
sessions.on_notification(nil, { sessionId = 's1', uri = uri, state = 'accepted' }, {})
h.eq({}, vim.api.nvim_buf_get_extmarks(bufnr, highlight.ns, 0, -1, {}),
  'accept clears the highlight')
vim.cmd('silent undo')
h.eq(original, h.text(bufnr), 'the whole session is one undo step')

-- A keystroke between two streamed edits starts a new undo step, so undo never eats typing.
sessions.on_notification(nil, { sessionId = 's2', uri = uri, state = 'streaming',
  region = { start = { line = 0, character = 0 }, ['end'] = { line = 1, character = 0 } } }, {})
h.eq('flint: editing', flint.status(bufnr), 'statusline while streaming')
-- Nothing shows above a buffer's first line: the actions line goes under the region.
local actions = vim.api.nvim_buf_get_extmarks(bufnr, highlight.actions_ns, 0, -1, { details = true })
h.eq(1, #actions, 'one actions line')
h.eq(0, actions[1][2], 'under the region\'s last line (row 0)')
h.truthy(not actions[1][4].virt_lines_above, 'below it')
h.contains(actions[1][4].virt_lines[1][1][1], 'flint: editing…', 'the streaming actions line')
h.eq({ applied = true }, edit_at(0, 4, 5, '100'), 'streamed edit')
break_undo()
vim.api.nvim_buf_set_text(bufnr, 3, 0, 3, 0, { 'user_' })
h.eq({ applied = true }, edit_at(0, 0, 1, 'A'), 'streamed edit after typing')
h.eq('A = 100\nb = 2\nc = 3\nuser_d = "é✓x"\n', h.text(bufnr), 'typing and edits both landed')
vim.cmd('silent undo')
h.eq('a = 100\nb = 2\nc = 3\nuser_d = "é✓x"\n', h.text(bufnr), 'undo takes back flint only')
sessions.on_notification(nil, { sessionId = 's2', uri = uri, state = 'cancelled' }, {})
h.eq('', flint.status(bufnr), 'statusline idle')
h.eq({}, vim.api.nvim_buf_get_extmarks(bufnr, highlight.actions_ns, 0, -1, {}),
  'no actions line once the session ended')

-- Jobs in the statusline: the first by name, the others counted.
local jobs = require('flint.jobs')
jobs.started(101, 'Rename total', nil)
h.eq('flint: "Rename total"', flint.status(bufnr), 'one job')
jobs.started(102, 'Split module', nil)
h.eq('flint: "Rename total" | +1 job', flint.status(bufnr), 'two jobs: one more counted')
jobs.started(103, 'Add tests', nil)
h.eq('flint: "Rename total" | +2 jobs', flint.status(bufnr), 'three jobs')
for _, id in ipairs({ 101, 102, 103 }) do
  jobs.by_id[id] = nil
end
h.eq('', flint.status(bufnr), 'statusline idle again')

-- Positions: UTF-16 and UTF-8 columns of a line with multi-byte characters.
local row = 3
local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1]
local x_byte = line:find('x', 1, true) - 1
h.eq({ line = row, character = 12 }, positions.to_lsp(bufnr, row, x_byte, 'utf-16'),
  'utf-16 column of x in user_d = "é✓x"')
h.eq({ line = row, character = x_byte }, positions.to_lsp(bufnr, row, x_byte, 'utf-8'),
  'utf-8 column')
h.eq({ row, x_byte }, { positions.from_lsp(bufnr, { line = row, character = 12 }, 'utf-16') },
  'utf-16 back to bytes')

-- Selections: characterwise ends after the last selected character (a multi-byte one).
vim.api.nvim_win_set_cursor(0, { 4, line:find('é', 1, true) - 1 })
vim.cmd('normal! vl\27')
local range = positions.extent_to_range(bufnr, positions.visual_extent(bufnr), 'utf-16')
h.eq({ start = { line = 3, character = 10 }, ['end'] = { line = 3, character = 12 } }, range,
  'characterwise selection of "é✓"')
vim.cmd('normal! ggVj\27')
range = positions.extent_to_range(bufnr, positions.visual_extent(bufnr), 'utf-16')
h.eq({ start = { line = 0, character = 0 }, ['end'] = { line = 1, character = 5 } }, range,
  'linewise selection')

-- Jobs and progress reach the statusline component.
jobs.on_changed(nil,
  { jobId = 7, title = 'Add docstrings', state = 'running', percentage = 10 }, {})
h.eq('flint: "Add docstrings" 10%', flint.status(bufnr), 'statusline with a running job')
progress.record({ token = 'job-7', value = { kind = 'begin', title = 'Add docstrings' } })
progress.record({
  token = 'job-7', value = { kind = 'report', message = 'reading m.py', percentage = 40 },
})
h.eq('flint: "Add docstrings" 40% reading m.py', flint.status(bufnr), 'statusline with progress')
local events = 0
vim.api.nvim_create_autocmd('User', { pattern = 'FlintStatus', callback = function()
  events = events + 1
end })
progress.record({ token = 'job-7', value = { kind = 'end' } })
jobs.on_changed(nil, { jobId = 7, state = 'done', summary = 'documented 3 functions' }, {})
h.wait_for('a User FlintStatus event', function()
  return events > 0
end)
h.eq('', flint.status(bufnr), 'statusline after the job ended')
h.eq(3, #flint.progress_messages(), 'progress history')
local listed = jobs.format(jobs.by_id[7])
h.contains(listed, 'done', 'job list line')
h.contains(listed, 'documented 3 functions', 'job list line')
h.truthy(vim.tbl_filter(function(n)
  return n.message:find('documented 3 functions', 1, true) ~= nil
end, h.notifications)[1], 'a finished job is announced with its summary')

-- Jobs are listed in the order flint numbered them, "job-10" after "job-9".
for _, n in ipairs({ 9, 10, 2 }) do
  jobs.on_changed(nil, { jobId = 'job-' .. n, title = 'order ' .. n, state = 'queued' }, {})
end
local order = vim.tbl_map(function(job)
  return job.jobId
end, vim.tbl_filter(function(job)
  return type(job.jobId) == 'string'
end, jobs.all()))
h.eq({ 'job-2', 'job-9', 'job-10' }, order, 'jobs oldest first by their number')

-- :FlintJobs lists the known jobs in a scratch buffer.
local list = require('flint.commands').jobs()
local listing = table.concat(vim.api.nvim_buf_get_lines(list, 0, -1, false), '\n')
h.truthy(listing:find('\n7%s+done'), 'the job list names the job and its state: ' .. listing)
h.contains(listing, 'Add docstrings', 'the job list shows the title')
h.contains(vim.api.nvim_buf_get_name(list), 'flint://jobs', 'list buffer name')
vim.cmd('close')

-- Suggested keymaps: none by default, installed on request, each overridable.
h.eq('', vim.fn.maparg('<leader>ie', 'n'), 'no keymaps unless asked')
require('flint.commands').install_keymaps({ accept = { lhs = '<C-y>' }, jobs = false })
h.contains(vim.fn.maparg('<leader>ie', 'n'), 'FlintEdit', 'edit mapping (normal)')
h.contains(vim.fn.maparg('<leader>ie', 'x'), 'FlintEdit', 'edit mapping (visual)')
h.contains(vim.fn.maparg('<C-y>', 'n'), 'FlintAccept', 'overridden accept mapping')
h.eq('', vim.fn.maparg('<leader>ij', 'n'), 'a mapping set to false is left out')

-- Counts read as a person would write them.
h.eq('1 token, 1 edit', sessions.describe_stats({ tokens = 1, edits = 1 }), 'singular counts')
h.eq('40 tokens, 5 edits', sessions.describe_stats({ tokens = 40, edits = 5 }), 'plural counts')
