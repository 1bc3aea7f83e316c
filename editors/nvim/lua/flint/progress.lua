-- `$/progress` from flint: the work in flight per token (for the statusline) and a history
-- of every message (for :FlintJobs and the demo). On 0.10+ it listens to the LspProgress
-- event, so Neovim's own progress handling (and plugins such as fidget.nvim) keep working;
-- on older versions flint's client wraps the default `$/progress` handler instead.
local compat = require('flint.compat')

--- A `$/progress` token: flint's are "flint-edit-<n>" (edits this plugin asked for) and
--- "flint/<jobId>" (agent jobs).
---@alias flint.ProgressToken string|integer

---@alias flint.ProgressKind 'begin'|'report'|'end'

--- The work in flight for one token (progress.active).
---@class flint.ProgressEntry
---@field token flint.ProgressToken
---@field title? string
---@field message? string
---@field percentage? number
---@field updated? number compat.now_ms() of the last message.

--- One `$/progress` message as received (progress.history).
---@class flint.ProgressRecord
---@field token flint.ProgressToken
---@field kind flint.ProgressKind
---@field title? string The title its begin gave.
---@field message? string
---@field percentage? number

--- The params of `$/progress` (a WorkDoneProgress value).
---@class flint.ProgressParams
---@field token flint.ProgressToken
---@field value { kind: flint.ProgressKind, title?: string, message?: string, percentage?: number }

local M = {}

-- token -> { token, title, message, percentage, updated }
---@type table<flint.ProgressToken, flint.ProgressEntry>
M.active = {}
-- Every begin/report/end in arrival order: { token, kind, title, message, percentage }.
---@type flint.ProgressRecord[]
M.history = {}
local MAX_HISTORY = 500

--- Records one `$/progress` notification (ProgressParams).
---@param params flint.ProgressParams|any
function M.record(params)
  if type(params) ~= 'table' or type(params.value) ~= 'table' then
    return
  end
  local token, value = params.token, params.value
  local entry = M.active[token]
  if value.kind == 'begin' then
    entry = { token = token, title = value.title }
    M.active[token] = entry
  end
  entry = entry or { token = token }
  if value.message ~= nil and value.message ~= vim.NIL then
    entry.message = value.message
  end
  if type(value.percentage) == 'number' then
    entry.percentage = value.percentage
  end
  entry.updated = compat.now_ms()
  table.insert(M.history, {
    token = token,
    kind = value.kind,
    title = entry.title,
    message = value.message ~= vim.NIL and value.message or nil,
    percentage = type(value.percentage) == 'number' and value.percentage or nil,
  })
  if #M.history > MAX_HISTORY then
    table.remove(M.history, 1)
  end
  if value.kind == 'end' then
    M.active[token] = nil
  end
  -- The actions line above a streaming session shows its progress.
  require('flint.sessions').on_progress(token)
  require('flint.status').changed()
end

--- A `$/progress` handler for clients where the LspProgress event does not exist.
---@param err flint.ResponseError|nil
---@param result flint.ProgressParams|any
---@param ctx flint.HandlerContext
---@param config table|nil
---@return any
function M.handler(err, result, ctx, config)
  local default = vim.lsp.handlers['$/progress']
  local ret = default and default(err, result, ctx, config)
  M.record(result)
  return ret
end

--- On 0.10+, listens to LspProgress for clients named `client_name`.
---@param client_name string
function M.listen(client_name)
  if not compat.has_lsp_progress_event then
    return
  end
  local group = vim.api.nvim_create_augroup('flint_progress', { clear = true })
  vim.api.nvim_create_autocmd('LspProgress', {
    group = group,
    callback = function(args)
      local data = args.data or {}
      local client = data.client_id and vim.lsp.get_client_by_id(data.client_id)
      if client and client.name == client_name then
        M.record(data.params or data.result)
      end
    end,
  })
end

return M
