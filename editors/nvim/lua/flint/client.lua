-- Starting flint-lsp and attaching it to buffers: one client per workspace root, with
-- flint's handlers, capabilities and settings.
local apply_edit = require('flint.apply_edit')
local compat = require('flint.compat')
local config = require('flint.config')
local jobs = require('flint.jobs')
local progress = require('flint.progress')
local sessions = require('flint.sessions')

--- The parts of Neovim's LSP client object that flint uses. The object is Neovim's own, whose
--- shape changed between 0.7 and 0.12 (functions became methods in 0.11): call request,
--- notify and is_stopped through flint.compat, never directly.
---@class flint.Client
---@field id integer
---@field name string
---@field offset_encoding flint.PositionEncoding|string
---@field initialized? boolean True once initialize has been answered.
---@field config flint.ClientConfig The config it was started with (settings updated at run time).
---@field server_capabilities? table
---@field request function client.request(...) before 0.11, client:request(...) after.
---@field notify function
---@field is_stopped function
---@field cancel_request function

--- The config flint starts its client with (vim.lsp.start / vim.lsp.start_client).
---@class flint.ClientConfig
---@field name string
---@field cmd string[]
---@field cmd_env? table<string, string>
---@field root_dir string
---@field workspace_folders { uri: string, name: string }[]
---@field capabilities table
---@field init_options table
---@field settings table { flint = settings }
---@field flags table
---@field handlers table<string, function>
---@field commands table<string, fun(command: flint.LspCommand, ctx: flint.HandlerContext|nil)>
---@field on_init fun(client: flint.Client, result: table|nil)
---@field on_attach fun(client: flint.Client, bufnr: integer)
---@field on_exit fun(code: integer, signal: integer, client_id: integer)

--- The context Neovim passes to LSP handlers (only the fields flint reads).
---@class flint.HandlerContext
---@field client_id integer
---@field bufnr? integer
---@field method? string

--- An LSP ResponseError, as request callbacks receive it.
---@class flint.ResponseError
---@field code? integer
---@field message string
---@field data? any

--- A request's callback: (err, result). Handlers of server requests also get ctx and config.
---@alias flint.ResponseHandler fun(err: flint.ResponseError|nil, result: any, ctx?: flint.HandlerContext, config?: table): any

local M = {}

M.name = 'flint'

-- root_dir -> client id, for Neovim without vim.lsp.start (0.7).
---@type table<string, integer>
local started = {}

local uv = vim.loop or vim.uv

---@param path string
---@return boolean
local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil
end

--- The workspace root of `bufnr`: the root_dir option, else the nearest folder upward that
--- holds a root marker, else the buffer's folder.
---@param bufnr integer
---@return string
function M.root_dir(bufnr)
  local option = config.options.root_dir
  if type(option) == 'function' then
    return option(bufnr)
  elseif type(option) == 'string' then
    return vim.fn.fnamemodify(option, ':p'):gsub('/$', '')
  end
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  local candidate = dir
  while candidate and candidate ~= '' do
    for _, marker in ipairs(config.options.root_markers) do
      if is_dir(candidate .. '/' .. marker) then
        return candidate
      end
    end
    local parent = vim.fn.fnamemodify(candidate, ':h')
    if parent == candidate then
      break
    end
    candidate = parent
  end
  return dir
end

-- JSON encodes an empty Lua table as [], but flint's settings are an object.
---@param value any
---@return table
local function as_object(value)
  if type(value) ~= 'table' or next(value) == nil then
    return vim.empty_dict()
  end
  return value
end

--- Answers workspace/configuration from the client's settings.
---@param params { items: { section?: string }[] }|nil
---@param ctx flint.HandlerContext
---@return any[]
local function on_configuration(_, params, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local settings = client and client.config.settings or {}
  local answers = {}
  for _, item in ipairs(params and params.items or {}) do
    if item.section == 'flint' then
      table.insert(answers, as_object(settings.flint))
    elseif item.section == nil or item.section == '' then
      table.insert(answers, as_object(settings))
    else
      table.insert(answers, vim.NIL)
    end
  end
  return answers
end

-- window/showMessage's MessageType -> vim.log.levels.
---@type table<integer, flint.LogLevel>
local MESSAGE_LEVEL = {
  [1] = vim.log.levels.ERROR,
  [2] = vim.log.levels.WARN,
  [3] = vim.log.levels.INFO,
  [4] = vim.log.levels.DEBUG,
}

-- The messages shown so far, newest last (edit.lua does not repeat one of them).
---@type string[]
M.shown_messages = {}

-- Errors a person must see (endpoint down, bad key) arrive as window/showMessage.
---@param params { type: integer, message: string }|nil
local function on_show_message(_, params)
  if type(params) == 'table' and type(params.message) == 'string' then
    local text = params.message
    if not text:match('^flint') then
      text = 'flint: ' .. text
    end
    table.insert(M.shown_messages, text)
    if #M.shown_messages > 20 then
      table.remove(M.shown_messages, 1)
    end
    require('flint.message').show(text, MESSAGE_LEVEL[params.type] or vim.log.levels.INFO)
  end
  return vim.NIL
end

--- The client capabilities flint needs on top of Neovim's.
---@return table
function M.capabilities()
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.experimental = capabilities.experimental or {}
  -- jobReview: a job's result waits for :FlintJobApply instead of landing while one types.
  capabilities.experimental.flint = { editSessions = true, jobReview = true }
  capabilities.window = capabilities.window or {}
  capabilities.window.workDoneProgress = true
  capabilities.workspace = capabilities.workspace or {}
  capabilities.workspace.applyEdit = true
  capabilities.workspace.configuration = true
  capabilities.workspace.workspaceEdit = capabilities.workspace.workspaceEdit or {}
  capabilities.workspace.workspaceEdit.documentChanges = true
  return capabilities
end

---@return table<string, function>
local function handlers()
  local table_ = {
    ['workspace/applyEdit'] = apply_edit.handler,
    ['workspace/configuration'] = on_configuration,
    ['window/showMessage'] = on_show_message,
    ['flint/editSession'] = sessions.on_notification,
    ['flint/jobChanged'] = jobs.on_changed,
  }
  if not compat.has_lsp_progress_event then
    table_['$/progress'] = progress.handler
  end
  return table_
end

---@param client flint.Client
---@param bufnr integer
local function on_attach(client, bufnr)
  -- Ghost text: the native API on 0.12+, extmarks drawn by the plugin before.
  require('flint.ghost_text').attach(client, bufnr)
  if config.options.on_attach then
    config.options.on_attach(client, bufnr)
  end
end

--- The client config for the workspace `root_dir`.
---@param root_dir string
---@param cmd? string[] the server's argv (default: config.server_cmd())
---@return flint.ClientConfig
function M.make_config(root_dir, cmd)
  local options = config.options
  return {
    name = M.name,
    cmd = cmd or config.server_cmd().cmd,
    cmd_env = options.cmd_env,
    root_dir = root_dir,
    workspace_folders = {
      { uri = vim.uri_from_fname(root_dir), name = vim.fn.fnamemodify(root_dir, ':t') },
    },
    capabilities = M.capabilities(),
    init_options = as_object(vim.deepcopy(options.settings)),
    settings = { flint = as_object(vim.deepcopy(options.settings)) },
    -- flint waits for the echo (didChange) of each streamed edit before sending the next.
    flags = { debounce_text_changes = 0, allow_incremental_sync = true },
    handlers = handlers(),
    commands = require('flint.edit').client_commands(),
    on_init = function(client, result)
      -- 0.7 does not read the negotiated positionEncoding by itself.
      local encoding = result and result.capabilities and result.capabilities.positionEncoding
      if type(encoding) == 'string' then
        client.offset_encoding = encoding
      end
    end,
    on_attach = on_attach,
    on_exit = function(_, _, client_id)
      vim.schedule(function()
        sessions.forget({ client_id = client_id })
        for root, id in pairs(started) do
          if id == client_id then
            started[root] = nil
          end
        end
      end)
    end,
  }
end

--- Starts (or reuses) the client for the workspace of `bufnr` and attaches it.
---@param bufnr integer
---@return integer|nil client_id nil when the buffer gets no client
function M.attach(bufnr)
  local buftype = vim.api.nvim_buf_get_option(bufnr, 'buftype')
  if buftype ~= '' or vim.api.nvim_buf_get_name(bufnr) == '' then
    return nil
  end
  -- A cmd that cannot run: said once, in one line (Neovim's own spawn error is several lines
  -- and stops at "Press ENTER" on every file opened).
  -- A bare "flint-lsp" missing from $PATH is looked for in the checkout's build folders.
  local server = config.server_cmd()
  if type(server.cmd[1]) == 'string' and not server.found then
    -- M.missing_cmd_said (string|nil): the cmd[1] whose absence was said last.
    if M.missing_cmd_said ~= server.cmd[1] then
      M.missing_cmd_said = server.cmd[1]
      require('flint.message').show(config.not_found_message(server), vim.log.levels.ERROR)
    end
    return nil
  end
  local root = M.root_dir(bufnr)
  if compat.has_lsp_start then
    return vim.lsp.start(M.make_config(root, server.cmd), { bufnr = bufnr })
  end
  local id = started[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or compat.is_stopped(client) then
    id = vim.lsp.start_client(M.make_config(root, server.cmd))
    if not id then
      return nil
    end
    started[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- flint's client attached to `bufnr` (or any flint client when `bufnr` has none and
--- `any` is set).
---@param bufnr integer|nil
---@param any? boolean
---@return flint.Client|nil
function M.get(bufnr, any)
  local list = compat.clients(M.name, bufnr)
  if #list == 0 and any then
    list = compat.clients(M.name)
  end
  return list[1]
end

--- Every running flint client, by id.
---@return flint.Client[]
function M.all()
  return compat.clients(M.name)
end

--- Replaces flint's settings in every running client and tells the servers.
---@param settings table
function M.update_settings(settings)
  for _, client in ipairs(M.all()) do
    client.config.settings = { flint = vim.deepcopy(settings) }
    compat.notify_server(client, 'workspace/didChangeConfiguration',
      { settings = { flint = as_object(vim.deepcopy(settings)) } })
  end
end

return M
