-- A command in a buffer flint is not attached to says so at once, and why (it used to wait
-- 15 seconds and then say only that flint-lsp was not running).
local h = require('helpers')
h.capture_notifications()

local root = h.project({ ['notes.txt'] = 'some notes\n', ['f.py'] = 'x = 1\n' })
h.setup_flint({ root = root, base_url = 'http://127.0.0.1:9/v1' })
h.open(root .. '/f.py')  -- flint is running for Python files

vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/notes.txt'))
local started = vim.loop.now()
vim.cmd('FlintEdit make it shorter')
h.wait_for('a message naming the filetype', function()
  for _, n in ipairs(h.notifications) do
    if n.message:find("not set up for filetype 'text'", 1, true) then
      return true
    end
  end
end, 3000)
h.truthy(vim.loop.now() - started < 3000, 'said within 3 seconds')

vim.cmd('enew')
vim.cmd('FlintEdit anything')
h.wait_for('a message for a buffer that is no file', function()
  for _, n in ipairs(h.notifications) do
    if n.message:find('not a file', 1, true) then
      return true
    end
  end
end, 3000)

-- A cmd that cannot run: said once, in one line, at the first file opened (not Neovim's own
-- spawn error of several lines, which stops at "Press ENTER").
require('flint').setup({ cmd = { root .. '/no-such-flint-lsp' }, root_dir = root })
local function missing()
  return vim.tbl_filter(function(n)
    return n.message:find('no-such-flint-lsp is not executable', 1, true) ~= nil
  end, h.notifications)
end
vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/g.py'))
h.eq(1, #missing(), 'a missing flint-lsp is said at once')
h.truthy(not missing()[1].message:find('\n', 1, true), 'in one line')
vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/h.py'))
h.eq(1, #missing(), 'and only once')
