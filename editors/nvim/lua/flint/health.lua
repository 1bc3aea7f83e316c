-- :checkhealth flint
local M = {}

--- Reports the server, the fast model, the Neovim features in use and the running clients.
function M.check()
  local compat = require('flint.compat')
  local config = require('flint.config')
  local health = compat.health()
  health.start('flint')

  local version = vim.version()
  health.info(string.format(
    'Neovim %d.%d.%d: vim.lsp.start %s, LspProgress %s, inline completion %s',
    version.major, version.minor, version.patch,
    compat.has_lsp_start and 'yes' or 'no (vim.lsp.start_client)',
    compat.has_lsp_progress_event and 'yes' or 'no ($/progress handler)',
    compat.inline_completion() and 'yes' or 'no'))

  local cmd = config.options.cmd or {}
  if cmd[1] and vim.fn.executable(cmd[1]) == 1 then
    health.ok('server: ' .. vim.fn.exepath(cmd[1]))
  else
    health.error('server not found: ' .. tostring(cmd[1]),
      { 'build flint-lsp and put it in $PATH, or pass setup({ cmd = { "/path/to/flint-lsp" } })' })
  end

  local fast = vim.tbl_get and vim.tbl_get(config.options.settings or {}, 'models', 'fast')
    or ((config.options.settings or {}).models or {}).fast
  if type(fast) == 'table' and fast.baseUrl and fast.model then
    health.ok(string.format('fast model: %s at %s', fast.model, fast.baseUrl))
  elseif vim.env.FLINT_BASE_URL and vim.env.FLINT_MODEL then
    health.ok(string.format('fast model from the environment: %s at %s', vim.env.FLINT_MODEL,
      vim.env.FLINT_BASE_URL))
  else
    health.warn('no fast model configured', {
      'set settings.models.fast = { provider, baseUrl, model }; examples in :help flint-providers',
      'or export FLINT_BASE_URL and FLINT_MODEL',
    })
  end

  local clients = require('flint.client').all()
  if #clients == 0 then
    health.info('no flint client running (open a file of a configured filetype)')
  end
  for _, client in ipairs(clients) do
    health.ok(string.format('client %d: root %s, position encoding %s', client.id,
      tostring(client.config.root_dir), tostring(client.offset_encoding)))
  end
end

return M
