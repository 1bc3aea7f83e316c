-- flint for Neovim: real-time inline edits and background agent jobs from flint-lsp.
--
--   require("flint").setup({ cmd = { "flint-lsp" }, settings = { models = { fast = {...} } } })
--
-- See :help flint. The modules below this one each do one thing: client (start and attach),
-- edit (the requests), sessions/highlight (edit sessions and their region), apply_edit
-- (workspace/applyEdit with version checks and undo grouping), jobs, progress and status.
--
-- Types: the modules carry LuaCATS annotations (classes named flint.*, e.g. flint.Options,
-- flint.Session, flint.Job) for lua-language-server.

--- A session as require("flint").sessions() lists it.
---@class flint.SessionInfo
---@field id flint.SessionId
---@field bufnr? integer
---@field state? flint.SessionState
---@field region? flint.Range
---@field reason? string
---@field jobId? flint.JobId
---@field result? flint.EditResult
---@field mark? integer

local M = {}

--- Starts flint-lsp for the configured filetypes. Safe to call again with new options.
---@param opts? flint.SetupOptions
function M.setup(opts)
  local config = require('flint.config')
  local client = require('flint.client')
  local highlight = require('flint.highlight')
  local options = config.apply(opts)
  -- A plugin manager that puts editors/nvim on 'runtimepath' after startup (lazy.nvim's
  -- config function) leaves plugin/flint.lua unsourced: its commands come from here then.
  if not vim.g.loaded_flint then
    vim.cmd('runtime plugin/flint.lua')
  end

  highlight.define_groups()
  require('flint.progress').listen(client.name)

  local group = vim.api.nvim_create_augroup('flint', { clear = true })
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = highlight.define_groups })
  local all = vim.tbl_contains(options.filetypes, '*')
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = all and '*' or options.filetypes,
    callback = function(args)
      client.attach(args.buf)
    end,
  })
  vim.api.nvim_create_autocmd('BufUnload', {
    group = group,
    callback = function(args)
      require('flint.sessions').forget({ bufnr = args.buf })
    end,
  })
  -- Buffers opened before setup (e.g. lazy-loaded plugins, `nvim file.py`).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    local filetype = vim.api.nvim_buf_is_loaded(bufnr)
      and vim.api.nvim_buf_get_option(bufnr, 'filetype')
    if filetype and filetype ~= '' and (all or vim.tbl_contains(options.filetypes, filetype)) then
      client.attach(bufnr)
    end
  end
  require('flint.commands').install_keymaps(options.keymaps)
  require('flint.ghost_keymaps').install(options.keymaps)
end

--- The statusline component: "flint: editing | \"Add docstrings\" 40% reading app.py", or ""
--- when idle. Refresh on `User FlintStatus` (lualine redraws on its own timer).
---@param bufnr? integer
---@return string
function M.status(bufnr)
  return require('flint.status').render(bufnr)
end

--- Starts an inline edit: { instruction, bufnr?, range?, extent?, on_result? }.
---@param args flint.EditArgs
function M.edit(args)
  return require('flint.edit').inline_edit(args)
end

--- Redirects the buffer's live session: { instruction, bufnr?, sessionId?, on_result? }.
---@param args flint.SteerArgs
function M.steer(args)
  return require('flint.edit').steer(args)
end

--- Accepts the buffer's live session (or flint's most recent one): { bufnr?, sessionId?, on_result? }.
---@param args? flint.DecideArgs
function M.accept(args)
  return require('flint.edit').decide('accept', args)
end

--- Rejects it: flint restores the original text.
---@param args? flint.DecideArgs
function M.reject(args)
  return require('flint.edit').decide('reject', args)
end

--- Stops it while it streams.
---@param args? flint.DecideArgs
function M.cancel(args)
  return require('flint.edit').decide('cancel', args)
end

--- Starts an agent job: { instruction, bufnr?, range?, extent?, on_result? }.
---@param args flint.AgentArgs
function M.agent(args)
  return require('flint.edit').agent(args)
end

--- Known jobs, oldest first: { jobId, title, state, message?, percentage?, summary? }.
---@return flint.Job[]
function M.jobs()
  return vim.deepcopy(require('flint.jobs').all())
end

--- Known edit sessions: { id, bufnr, state, region, reason?, jobId?, result? }.
---@return flint.SessionInfo[]
function M.sessions()
  local list = {}
  for _, session in pairs(require('flint.sessions').by_id) do
    table.insert(list, {
      id = session.id,
      bufnr = session.bufnr,
      state = session.state,
      region = session.region,
      reason = session.reason,
      jobId = session.jobId,
      result = session.result,
      mark = session.mark,
    })
  end
  table.sort(list, function(a, b)
    return tostring(a.id) < tostring(b.id)
  end)
  return list
end

--- Every `$/progress` message received: { token, kind, title, message?, percentage? }.
---@return flint.ProgressRecord[]
function M.progress_messages()
  return vim.deepcopy(require('flint.progress').history)
end

--- Replaces flint's settings at run time (workspace/didChangeConfiguration).
---@param settings table
function M.set_settings(settings)
  require('flint.config').options.settings = settings
  require('flint.client').update_settings(settings)
end

return M
