-- A bare "flint-lsp" that $PATH lacks is looked for in the checkout's build folders
-- (build/release/bin, then build/package/bin, then build/bin), where editors/nvim/build.sh
-- builds it; when none has it, the plugin says so once, with the fix.
local h = require('helpers')
h.capture_notifications()

-- lazy.nvim puts editors/nvim on the runtimepath in its config function, after startup has
-- sourced plugin/: setup() defines the commands then.
vim.api.nvim_del_user_command('FlintEdit')
vim.g.loaded_flint = nil
require('flint').setup({ filetypes = {} })
h.eq(2, vim.fn.exists(':FlintEdit'), 'setup() defines the commands plugin/flint.lua defines')

local config = require('flint.config')
local uv = vim.loop or vim.uv

h.eq(h.repo, config.checkout, 'the checkout is found from the plugin files')

local saved_path, saved_checkout = vim.env.PATH, config.checkout
h.defer(function()
  vim.env.PATH = saved_path
  config.checkout = saved_checkout
end)
vim.env.PATH = h.tempdir() -- no flint-lsp there
local checkout = h.tempdir()
config.checkout = checkout

local function stub(path)
  h.write_file(path, '#!/bin/sh\nexit 0\n')
  vim.fn.setfperm(path, 'rwxr-xr-x')
end

-- Nowhere: not found, and every place tried is named.
local server = config.server_cmd({ 'flint-lsp' })
h.eq(false, server.found, 'not found')
h.eq({ 'flint-lsp in $PATH', checkout .. '/build/release/bin/flint-lsp',
  checkout .. '/build/package/bin/flint-lsp', checkout .. '/build/bin/flint-lsp' }, server.tried,
  'the places tried')

-- Said once, in one line, with the build step, at the first file opened.
local root = h.project({ ['f.py'] = 'x = 1\n', ['g.py'] = 'y = 2\n' })
require('flint').setup({ root_dir = root, settings = {} })
local function said()
  return vim.tbl_filter(function(n)
    return n.message:find('flint-lsp was not found', 1, true) ~= nil
  end, h.notifications)
end
vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/f.py'))
h.eq(1, #said(), 'a missing flint-lsp is said at once')
h.contains(said()[1].message, checkout .. '/editors/nvim/build.sh', 'with the build step')
h.contains(said()[1].message, '.deb', 'and the package')
h.truthy(not said()[1].message:find('\n', 1, true), 'in one line')
vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/g.py'))
h.eq(1, #said(), 'and only once')

-- The order of the build folders; the cmd's arguments are kept.
stub(checkout .. '/build/bin/flint-lsp')
h.eq(checkout .. '/build/bin/flint-lsp', config.server_cmd({ 'flint-lsp' }).cmd[1], 'build/bin')
stub(checkout .. '/build/package/bin/flint-lsp')
server = config.server_cmd({ 'flint-lsp', '--log-level', 'debug' })
h.eq({ checkout .. '/build/package/bin/flint-lsp', '--log-level', 'debug' }, server.cmd,
  'build/package/bin comes before build/bin, arguments kept')
h.eq("the checkout's build/package/bin", server.where, 'where it was found')

-- A path given in cmd is never replaced.
h.eq(false, config.server_cmd({ '/no/such/flint-lsp' }).found, 'an explicit path stays')
h.eq('/no/such/flint-lsp', config.server_cmd({ '/no/such/flint-lsp' }).cmd[1], 'unchanged')

-- build/release/bin first; the client really starts from there.
vim.fn.mkdir(checkout .. '/build/release/bin', 'p')
assert(uv.fs_symlink(h.flint_lsp, checkout .. '/build/release/bin/flint-lsp'))
require('flint').setup({ root_dir = root, settings = { models = { fast = {
  provider = 'openai-chat', baseUrl = 'http://127.0.0.1:9/v1', model = 'm' } } } })
vim.cmd('bwipeout!')
local _, client = h.open(root .. '/g.py')
h.eq(checkout .. '/build/release/bin/flint-lsp', client.config.cmd[1],
  'the client runs the release build')
