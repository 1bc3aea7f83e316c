-- The requests behind flint's commands: inline edits (flint.inlineEdit), steering and
-- deciding a session, and agent jobs (flint.agentTask). Each takes explicit arguments;
-- the user commands in flint.commands turn cursor, selection and prompts into them.
local compat = require('flint.compat')
local config = require('flint.config')
local jobs = require('flint.jobs')
local sessions = require('flint.sessions')

--- The argument of inline_edit (require("flint").edit).
---@class flint.EditArgs
---@field instruction string
---@field bufnr? integer Default: the current buffer.
---@field range? flint.Range An LSP range; wins over `extent`.
---@field extent? flint.Extent Default (without `range`): the cursor.
---@field extra? table More fields for the command's argument.
---@field on_result? flint.CommandCallback Called when the session ends.

--- The argument of steer.
---@class flint.SteerArgs
---@field instruction string
---@field bufnr? integer
---@field sessionId? flint.SessionId Default: the buffer's live session.
---@field on_result? flint.CommandCallback

--- The argument of decide (accept, reject, cancel).
---@class flint.DecideArgs
---@field bufnr? integer
---@field sessionId? flint.SessionId
---@field on_result? flint.CommandCallback

--- The argument of agent.
---@class flint.AgentArgs
---@field instruction string
---@field bufnr? integer
---@field range? flint.Range
---@field extent? flint.Extent
---@field on_result? flint.CommandCallback

--- A session decision, and the command it sends (flint.accept, flint.reject, flint.cancel).
---@alias flint.Decision 'accept'|'reject'|'cancel'

--- An LSP Command (a code action's command, run on the client side).
---@class flint.LspCommand
---@field title? string
---@field command string
---@field arguments? any[]

local M = {}

local READY_TIMEOUT_MS = 15000
local edit_counter = 0

-- One line on screen, never a hit-enter prompt (flint.message); details go to :messages.
---@param message string
---@param level? flint.LogLevel
---@param details? string
local function notify(message, level, details)
  require('flint.message').show('flint: ' .. message, level or vim.log.levels.INFO, details)
end

--- Why flint has no client for `bufnr` and never will, or nil (it may still be starting).
---@param bufnr integer
---@return string|nil
local function why_not_attached(bufnr)
  if vim.bo[bufnr].buftype ~= '' or vim.api.nvim_buf_get_name(bufnr) == '' then
    return 'this buffer is not a file, so flint is not attached to it'
  end
  local filetype = vim.bo[bufnr].filetype
  local filetypes = config.options.filetypes or {}
  if not vim.tbl_contains(filetypes, '*') and not vim.tbl_contains(filetypes, filetype) then
    return ("flint is not set up for filetype '%s' (add it to setup{ filetypes = ... })"):format(
      filetype)
  end
  local server = config.server_cmd()
  if type(server.cmd[1]) == 'string' and not server.found then
    return (config.not_found_message(server):gsub('^flint: ', ''))
  end
  return nil
end

--- Calls fn(client) once flint's client for `bufnr` has finished initialize (a command typed
--- right after opening a file must not overtake the handshake). Says at once, and why, when
--- the buffer has no flint client to wait for.
---@param bufnr integer
---@param fn fun(client: flint.Client): any
---@param any? boolean Any flint client will do when `bufnr` has none.
function M.when_ready(bufnr, fn, any)
  local client_mod = require('flint.client')
  local deadline = compat.now_ms() + READY_TIMEOUT_MS
  local function try()
    local client = client_mod.get(bufnr, any)
    if client and client.initialized then
      return fn(client)
    end
    if not client and not any then
      local why = why_not_attached(bufnr)
      if why then
        return notify(why .. ' (see :checkhealth flint)', vim.log.levels.ERROR)
      end
    end
    if compat.now_ms() > deadline then
      return notify('flint-lsp is not running for this buffer (see :checkhealth flint)',
        vim.log.levels.ERROR)
    end
    vim.defer_fn(try, 30)
  end
  try()
end

--- Announces a finished session (notify_results).
---@param result flint.EditResult|any
local function report_result(result)
  if not config.options.notify_results or type(result) ~= 'table' then
    return
  end
  local stats = sessions.describe_stats(result.stats)
  if result.state == 'done' then
    -- What to do first: on a narrow screen the statistics are what gets cut.
    notify('edit ready: :FlintAccept or :FlintReject (' .. stats .. ')')
  elseif result.state == 'failed' then
    -- flint usually said why already (window/showMessage): do not say it twice.
    for _, shown in ipairs(require('flint.client').shown_messages) do
      if result.reason and shown:find(result.reason, 1, true) then
        return
      end
    end
    notify('edit failed' .. (result.reason and (': ' .. result.reason) or ''), vim.log.levels.WARN)
  elseif result.state == 'cancelled' then
    -- Stopped early (typing inside, :FlintCancel, a newer edit): named as VS Code names it;
    -- flint's text, if any was written, stays until rejected.
    local said = 'edit cancelled'
    if result.reason == 'the user edited the region' then
      said = 'edit stopped: you typed inside it'
    elseif result.reason and result.reason ~= 'cancelled' then
      said = 'edit cancelled: ' .. result.reason
    end
    local wrote = type(result.stats) == 'table' and (result.stats.edits or 0) > 0
    notify(said .. (wrote and ' · :FlintReject takes it back' or ''))
  elseif result.state == 'escalated' then
    notify('the change is not local: handed to agent job ' .. tostring(result.jobId))
  end
end

--- Sends flint.inlineEdit. `args`: { bufnr?, range? (LSP) or extent? (see flint.positions;
--- default: the cursor), instruction, extra? (more fields for the command's argument),
--- on_result?(err, result) }. on_result is called when the session ends.
---@param args flint.EditArgs
function M.inline_edit(args)
  local positions = require('flint.positions')
  local bufnr = args.bufnr or vim.api.nvim_get_current_buf()
  local extent = args.extent or (args.range == nil and positions.cursor_extent()) or nil
  M.when_ready(bufnr, function(client)
    local range = args.range or positions.extent_to_range(bufnr, extent, client.offset_encoding)
    edit_counter = edit_counter + 1
    local params = {
      command = 'flint.inlineEdit',
      arguments = { vim.tbl_extend('force', args.extra or {}, {
        textDocument = { uri = vim.uri_from_bufnr(bufnr) },
        range = range,
        instruction = args.instruction,
      }) },
      workDoneToken = 'flint-edit-' .. edit_counter,
    }
    sessions.expect(bufnr, params.workDoneToken, args.instruction)
    compat.request(client, 'workspace/executeCommand', params, function(err, result)
      sessions.settle(bufnr, params.workDoneToken, args.instruction, result)
      if err then
        notify('edit refused: ' .. tostring(err.message), vim.log.levels.ERROR)
      else
        sessions.on_result(result, client.id)
        report_result(result)
        if type(result) == 'table' and result.state == 'escalated' and result.jobId ~= nil then
          jobs.started(result.jobId, args.instruction, client.id)
        end
      end
      if args.on_result then
        args.on_result(err, result)
      end
    end, bufnr)
  end)
end

---@param bufnr integer
---@param session_id flint.SessionId|nil
---@return flint.Session|nil
local function session_for(bufnr, session_id)
  if session_id ~= nil then
    return sessions.by_id[session_id]
  end
  return sessions.current(bufnr)
end

--- The command argument that names the session: the given id, else the buffer and the cursor
--- (the server picks the session whose region holds it: with two edits in a file, the one you
--- are in, not the latest).
---@param bufnr integer
---@param session_id flint.SessionId|nil
---@param client flint.Client
---@return table
local function target(bufnr, session_id, client)
  if session_id ~= nil then
    return { sessionId = session_id }
  end
  local argument = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  if vim.api.nvim_get_current_buf() == bufnr then
    local cursor = vim.api.nvim_win_get_cursor(0)
    argument.position =
      require('flint.positions').to_lsp(bufnr, cursor[1] - 1, cursor[2], client.offset_encoding)
  end
  return argument
end

--- flint.steer with a new instruction for the buffer's live session.
---@param args flint.SteerArgs
function M.steer(args)
  local bufnr = args.bufnr or vim.api.nvim_get_current_buf()
  local session = session_for(bufnr, args.sessionId)
  if not session then
    return notify('no edit session to steer in this buffer', vim.log.levels.WARN)
  end
  M.when_ready(bufnr, function(client)
    compat.request(client, 'workspace/executeCommand', {
      command = 'flint.steer',
      arguments = {
        vim.tbl_extend('force', target(bufnr, args.sessionId, client), {
          instruction = args.instruction,
        }),
      },
    }, function(err, result)
      if err then
        notify('steer refused: ' .. tostring(err.message), vim.log.levels.WARN)
      else
        sessions.steered(bufnr, type(result) == 'table' and result.sessionId or args.sessionId,
          args.instruction)
      end
      if args.on_result then
        args.on_result(err, result)
      end
    end, bufnr)
  end)
end

--- flint.accept / flint.reject / flint.cancel (`decision`) for the buffer's live session,
--- or flint's most recent one when the buffer has none.
---@param decision flint.Decision
---@param args? flint.DecideArgs
function M.decide(decision, args)
  args = args or {}
  local bufnr = args.bufnr or vim.api.nvim_get_current_buf()
  local session = session_for(bufnr, args.sessionId)
  M.when_ready(bufnr, function(client)
    -- No session in this buffer: flint's most recent one.
    local argument = session and target(bufnr, args.sessionId, client) or vim.empty_dict()
    if decision == 'reject' then
      sessions.expect_reject(bufnr)
    end
    compat.request(client, 'workspace/executeCommand', {
      command = 'flint.' .. decision,
      arguments = { argument },
    }, function(err, result)
      if decision == 'reject' then
        sessions.reject_answered(bufnr)
      end
      if err then
        notify(decision .. ' refused: ' .. tostring(err.message), vim.log.levels.WARN)
      else
        sessions.on_decision(result)
      end
      if args.on_result then
        args.on_result(err, result)
      end
    end, bufnr)
  end, true)
end

--- flint.agentTask. `args`: { instruction, bufnr?, range? or extent?, on_result?(err, result) }.
---@param args flint.AgentArgs
function M.agent(args)
  local bufnr = args.bufnr or vim.api.nvim_get_current_buf()
  M.when_ready(bufnr, function(client)
    local task = { instruction = args.instruction }
    if vim.api.nvim_buf_get_name(bufnr) ~= '' and require('flint.client').get(bufnr) then
      task.textDocument = { uri = vim.uri_from_bufnr(bufnr) }
      task.range = args.range
        or (args.extent and require('flint.positions').extent_to_range(bufnr, args.extent,
          client.offset_encoding))
    end
    compat.request(client, 'workspace/executeCommand', {
      command = 'flint.agentTask',
      arguments = { task },
    }, function(err, result)
      if err then
        notify('agent job refused: ' .. tostring(err.message), vim.log.levels.ERROR)
      elseif type(result) == 'table' and result.jobId ~= nil then
        jobs.started(result.jobId, args.instruction, client.id)
        notify('agent job ' .. tostring(result.jobId) .. ' started')
      end
      if args.on_result then
        args.on_result(err, result)
      end
    end, bufnr)
  end, true)
end

--- Client-side commands, run when a code action is chosen. flint.inlineEdit goes through here
--- so the session is tracked like one started with :FlintEdit; flint.promptEdit (offered to
--- clients that declare experimental.flint.editSessions) asks for the instruction first.
---@return table<string, fun(command: flint.LspCommand, ctx: flint.HandlerContext|nil)>
function M.client_commands()
  ---@param command flint.LspCommand
  ---@param ctx flint.HandlerContext|nil
  ---@param always_ask boolean Ask for the instruction even when the command carries one.
  local function run(command, ctx, always_ask)
    local argument = (command.arguments or {})[1] or {}
    local uri = type(argument.textDocument) == 'table' and argument.textDocument.uri
    local bufnr = uri and vim.uri_to_bufnr(uri) or (ctx and ctx.bufnr) or 0
    local function start(instruction)
      M.inline_edit({
        bufnr = bufnr,
        range = argument.range,
        instruction = instruction,
        extra = argument,
      })
    end
    if not always_ask and type(argument.instruction) == 'string' and argument.instruction ~= '' then
      return start(argument.instruction)
    end
    local title = (command.title or 'flint edit'):gsub('^flint: ', ''):gsub('\226\128\166$', '')
    vim.ui.input({ prompt = 'flint ' .. title:lower() .. ': ' }, function(input)
      if input and input:match('%S') then
        start(input)
      end
    end)
  end
  return {
    ['flint.inlineEdit'] = function(command, ctx)
      run(command, ctx, false)
    end,
    ['flint.promptEdit'] = function(command, ctx)
      run(command, ctx, true)
    end,
  }
end

return M
