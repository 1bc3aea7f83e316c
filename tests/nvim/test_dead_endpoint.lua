-- A model endpoint that does not answer: flint says so (window/showMessage -> vim.notify),
-- the session fails, and the buffer is untouched.
local h = require('helpers')
h.capture_notifications()

local original = 'def f(x):\n    return x + 1\n'
local root = h.project({ ['f.py'] = original })
local port = tostring(h.dead_port())
h.setup_flint({ root = root, base_url = 'http://127.0.0.1:' .. port .. '/v1' })
local bufnr = h.open(root .. '/f.py')
local flint = require('flint')

vim.api.nvim_win_set_cursor(0, { 2, 4 })
local err, result = h.edit_and_wait({ instruction = 'increment by two' })
h.eq(nil, err, 'the request itself is answered')
h.eq('failed', result.state, 'the session fails')
h.eq(original, h.text(bufnr), 'the buffer is untouched')
h.truthy(not vim.bo[bufnr].modified, 'the buffer is not even marked modified')
h.eq({}, vim.api.nvim_buf_get_extmarks(bufnr, require('flint.highlight').ns, 0, -1, {}),
  'no highlight is left behind')
h.eq('', flint.status(bufnr), 'statusline idle')

h.wait_for('a message for the person', function()
  for _, n in ipairs(h.notifications) do
    if n.level and n.level >= vim.log.levels.WARN and n.message:find(port, 1, true) then
      return true
    end
  end
end)
local about_endpoint = vim.tbl_filter(function(n)
  return n.message:find(port, 1, true) ~= nil
end, h.notifications)
h.eq(1, #about_endpoint, 'the endpoint failure is said once, naming the endpoint')
h.truthy(not about_endpoint[1].message:find('flint: flint:', 1, true), 'one "flint:" prefix')
