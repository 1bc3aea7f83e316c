-- :FlintReject restores the original text in one edit and clears the highlight; the
-- rejection is its own undo step.
local h = require('helpers')
h.capture_notifications()

local original = table.concat({
  'def parse(text):',
  '    parts = text.split(",")',
  '    return [p.strip() for p in parts]',
  '',
  '',
  'def unused():',
  '    pass',
  '',
}, '\n')
local rewritten = table.concat({
  'def parse(text: str) -> list[str]:',
  '    """Comma-separated values, trimmed."""',
  '    return [part.strip() for part in text.split(",")]',
  '',
}, '\n')
local edited = original:gsub('^def parse.-%]\n', function()
  return rewritten
end)

local endpoint = h.start_endpoint({ rules = { {
  match = 'Instruction: add type hints',
  reply = { text = rewritten, tokensPerSecond = 300 },
} } })
local root = h.project({ ['parse.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/parse.py')
local flint = require('flint')
local ns = require('flint.highlight').ns

vim.api.nvim_win_set_cursor(0, { 2, 4 })
vim.cmd('FlintEdit add type hints')
local session
h.wait_for('the session to finish', function()
  session = flint.sessions()[1]
  return session and session.result ~= nil
end)
h.eq('done', session.result.state, 'session state (' .. tostring(session.result.reason) .. ')')
h.eq(edited, h.text(bufnr), 'the edit landed')
h.eq(1, #vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, {}), 'review highlight present')

vim.cmd('FlintReject')
h.wait_text(bufnr, original, 'reject restores the original text')
h.wait_for('the session to be rejected', function()
  return flint.sessions()[1].state == 'rejected'
end)
h.eq({}, vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, {}), 'reject clears the highlight')
h.eq('', flint.status(bufnr), 'statusline idle after reject')

vim.cmd('silent undo')
h.eq(edited, h.text(bufnr), 'undoing the rejection brings the edit back in one step')
vim.cmd('silent undo')
h.eq(original, h.text(bufnr), 'and undoing again removes the whole session')
