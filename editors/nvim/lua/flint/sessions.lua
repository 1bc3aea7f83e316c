-- Inline edit sessions as flint reports them (flint/editSession and the flint.inlineEdit
-- result): their state, their highlighted region, and the undo grouping of their edits.
local highlight = require('flint.highlight')
local session_keys = require('flint.session_keys')
local status = require('flint.status')

--- A session's state as flint/editSession and flint.inlineEdit's answer report it: streaming,
--- then done (in review) and accepted or rejected; or cancelled, failed, escalated (handed to an
--- agent job).
---@alias flint.SessionState 'streaming'|'done'|'accepted'|'rejected'|'cancelled'|'failed'|'escalated'

--- flint's session ids are strings; a number is taken too.
---@alias flint.SessionId string|integer

--- An inline edit session as the plugin knows it.
---@class flint.Session
---@field id flint.SessionId
---@field bufnr? integer The buffer of `uri`, once known.
---@field uri? string
---@field client_id? integer
---@field state? flint.SessionState
---@field region? flint.Range The region it owns (LSP range), from flint/editSession.
---@field reason? string Why it is in its state ("thinking" while the model reasons, a failure…).
---@field jobId? flint.JobId The agent job an escalated session was handed to.
---@field mark? integer Extmark id of the region's highlight (highlight.ns).
---@field actions_mark? integer Extmark id of the actions line (highlight.actions_ns).
---@field last_tick? integer The buffer's changedtick after its last applied edit (undo joining).
---@field result? flint.EditResult flint.inlineEdit's answer, once the session ended.
---@field instruction? string
---@field token? flint.ProgressToken The workDoneToken of the request that started it.

--- The statistics in flint.inlineEdit's answer (milliseconds from the request).
---@class flint.EditStats
---@field tokens? integer
---@field reasoningTokens? integer
---@field edits? integer
---@field editsApplied? integer
---@field firstCodeMs? number
---@field firstTokenMs? number
---@field firstEditMs? number
---@field durationMs? number

--- flint.inlineEdit's answer (sent when the session ends), and the answers of flint.steer,
--- flint.accept, flint.reject and flint.cancel (sessionId and state only).
---@class flint.EditResult
---@field sessionId flint.SessionId
---@field state? flint.SessionState
---@field region? flint.Range
---@field reason? string
---@field jobId? flint.JobId
---@field answer? string What the model said, when it failed.
---@field stats? flint.EditStats

--- The params of the flint/editSession notification.
---@class flint.EditSessionParams
---@field sessionId flint.SessionId
---@field uri string
---@field state flint.SessionState
---@field region? flint.Range
---@field reason? string|userdata vim.NIL when absent
---@field jobId? flint.JobId|userdata vim.NIL when absent

--- An edit asked for whose session has not been announced yet.
---@class flint.ExpectedEdit
---@field token flint.ProgressToken
---@field instruction? string

--- What before_apply returns for an edit that is a rejection's restore.
---@class flint.RejectionMark
---@field rejection true

--- Watching for an undo of a rejection's restore.
---@class flint.RejectWatch
---@field seq integer The undo sequence number of the restore.
---@field pending? boolean A check is scheduled.

local M = {}

-- sessionId -> { id, bufnr, uri, client_id, state, region, reason, jobId, mark, last_tick,
--                result, instruction, token, actions_mark }
---@type table<flint.SessionId, flint.Session>
M.by_id = {}
-- bufnr -> id of the session that last became live there.
---@type table<integer, flint.SessionId>
local latest_by_buf = {}
-- bufnr -> the edits asked for there whose session is not known yet: { token, instruction },
-- oldest first (flint.inlineEdit's answer comes at the end; flint/editSession at the start).
---@type table<integer, flint.ExpectedEdit[]>
local expected = {}
-- bufnr -> true while a rejection was asked for there and its restore has not arrived.
---@type table<integer, true>
local rejecting = {}

-- States in which a session still owns its region: streaming, or done and awaiting review.
---@type table<flint.SessionState, true>
local LIVE = { streaming = true, done = true }

---@param client_id integer|nil
---@return string
local function encoding_of(client_id)
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  return client and client.offset_encoding or 'utf-16'
end

---@param bufnr integer
---@return boolean
local function live_in(bufnr)
  for _, session in pairs(M.by_id) do
    if session.bufnr == bufnr and LIVE[session.state] then
      return true
    end
  end
  return false
end

--- The session's `$/progress` entry while it streams (flint.progress.active), or nil.
---@param session flint.Session
---@return flint.ProgressEntry|nil
local function progress_of(session)
  return session.token and require('flint.progress').active[session.token] or nil
end

---@param bufnr integer
---@param action flint.SessionAction
---@return string
local function key_or_command(bufnr, action)
  return session_keys.active(bufnr)[action] or (':' .. session_keys.ACTIONS[action])
end

--- The actions line drawn above a live session's region.
---@param session flint.Session
---@return string
function M.actions_text(session)
  local function key(action)
    return key_or_command(session.bufnr, action)
  end
  if session.state == 'streaming' then
    local text = session.reason == 'thinking' and 'flint: thinking…' or 'flint: editing…'
    local entry = progress_of(session)
    if entry and entry.percentage then
      text = text .. ' ' .. math.floor(entry.percentage) .. '%'
    elseif entry and entry.message and entry.message ~= entry.title
        and entry.message ~= session.instruction then
      text = text .. ' ' .. entry.message
    end
    return text .. ' · steer ' .. key('steer') .. ' · cancel ' .. key('cancel')
  end
  return 'flint: in review — accept ' .. key('accept') .. ' · reject ' .. key('reject')
    .. ' · steer ' .. key('steer')
end

---@param session flint.Session
local function draw_actions(session)
  local extent = session.mark and highlight.extent(session.bufnr, session.mark)
  if not extent then
    highlight.clear(session.bufnr, session.actions_mark, highlight.actions_ns)
    session.actions_mark = nil
    return
  end
  local row, below = extent[1], false
  if row == 0 then
    -- Nothing shows above a buffer's first line: under the region's last line instead.
    row, below = extent[3], true
    if extent[4] == 0 and row > extent[1] then
      row = row - 1
    end
  end
  session.actions_mark = highlight.show_actions(session.bufnr, session.actions_mark, row,
    M.actions_text(session), below)
end

---@param session flint.Session
local function redraw(session)
  local group = session.state == 'streaming' and 'FlintStreaming'
    or (session.state == 'done' and 'FlintReview' or nil)
  local loaded = session.bufnr and vim.api.nvim_buf_is_loaded(session.bufnr)
  if loaded then
    -- The keys first: the actions line names them.
    if live_in(session.bufnr) then
      session_keys.install(session.bufnr)
    else
      session_keys.uninstall(session.bufnr)
    end
  end
  if group and session.region and loaded then
    session.mark = highlight.show(session.bufnr, session.mark, session.region,
      encoding_of(session.client_id), group)
    draw_actions(session)
  else
    highlight.clear(session.bufnr, session.mark)
    session.mark = nil
    highlight.clear(session.bufnr, session.actions_mark, highlight.actions_ns)
    session.actions_mark = nil
  end
end

--- An edit is asked for in `bufnr` with `token` (its workDoneToken) and `instruction`: the
--- next new session there is it.
---@param bufnr integer
---@param token flint.ProgressToken
---@param instruction string|nil
function M.expect(bufnr, token, instruction)
  expected[bufnr] = expected[bufnr] or {}
  table.insert(expected[bufnr], { token = token, instruction = instruction })
end

--- The answer to the flint.inlineEdit sent with `token` came (or the request failed): the
--- edit no longer waits for its session; the session learns its instruction if it missed it.
---@param bufnr integer
---@param token flint.ProgressToken
---@param instruction string|nil
---@param result flint.EditResult|any
function M.settle(bufnr, token, instruction, result)
  for i, asked in ipairs(expected[bufnr] or {}) do
    if asked.token == token then
      table.remove(expected[bufnr], i)
      break
    end
  end
  local session = type(result) == 'table' and result.sessionId ~= nil and M.by_id[result.sessionId]
  if session then
    session.instruction = session.instruction or instruction
    session.token = session.token or token
  end
end

--- A steer of the session `session_id` (or of the buffer's live one) was accepted.
---@param bufnr integer
---@param session_id flint.SessionId|nil
---@param instruction string
function M.steered(bufnr, session_id, instruction)
  local session = (session_id ~= nil and M.by_id[session_id]) or M.current(bufnr)
  if session then
    session.instruction = instruction
    status.changed()
  end
end

--- Called with every `$/progress` token that changed: refreshes the actions line it feeds.
---@param token flint.ProgressToken
function M.on_progress(token)
  for _, session in pairs(M.by_id) do
    if session.token == token and session.state == 'streaming' and session.mark then
      draw_actions(session)
    end
  end
end

--- The session `id`, created when new; learns its buffer from `uri` (and then the edit that
--- waited for it).
---@param id flint.SessionId
---@param uri string|nil
---@param client_id integer|nil
---@return flint.Session
local function upsert(id, uri, client_id)
  local session = M.by_id[id]
  if not session then
    session = { id = id, uri = uri, client_id = client_id }
    M.by_id[id] = session
  end
  if uri and not session.bufnr then
    session.uri = uri
    session.bufnr = vim.uri_to_bufnr(uri)
    local waiting = expected[session.bufnr]
    if waiting and waiting[1] then
      local asked = table.remove(waiting, 1)
      session.token = asked.token
      session.instruction = session.instruction or asked.instruction
    end
  end
  return session
end

--- Handler of the flint/editSession notification.
---@param params flint.EditSessionParams|any
---@param ctx flint.HandlerContext|nil
function M.on_notification(_, params, ctx)
  if type(params) ~= 'table' or params.sessionId == nil or type(params.uri) ~= 'string' then
    return
  end
  local session = upsert(params.sessionId, params.uri, ctx and ctx.client_id)
  session.state = params.state
  if type(params.region) == 'table' then
    session.region = params.region
  end
  session.reason = params.reason ~= vim.NIL and params.reason or nil
  session.jobId = params.jobId ~= vim.NIL and params.jobId or nil
  if LIVE[session.state] then
    latest_by_buf[session.bufnr] = session.id
  end
  redraw(session)
  status.changed()
end

--- Records the result of flint.inlineEdit (sent when the session ends).
---@param result flint.EditResult|any
---@param client_id integer|nil
---@return flint.Session|nil
function M.on_result(result, client_id)
  if type(result) ~= 'table' or result.sessionId == nil then
    return nil
  end
  local session = upsert(result.sessionId, nil, client_id)
  session.result = result
  -- The result can overtake nothing (notifications come first), but a client that missed
  -- the notifications still learns the final state here.
  if result.state and not (session.state == 'accepted' or session.state == 'rejected') then
    session.state = result.state
  end
  if session.bufnr then
    redraw(session)
  end
  status.changed()
  return session
end

--- Marks a session accepted/rejected/cancelled from the answer to the matching command.
---@param result flint.EditResult|any
function M.on_decision(result)
  if type(result) ~= 'table' or result.sessionId == nil then
    return
  end
  local session = M.by_id[result.sessionId]
  if session and result.state then
    session.state = result.state
    if session.bufnr then
      redraw(session)
    end
    status.changed()
  end
end

--- The most recent live session of `bufnr`, or nil.
---@param bufnr integer
---@return flint.Session|nil
function M.current(bufnr)
  local id = latest_by_buf[bufnr]
  local session = id and M.by_id[id]
  if session and LIVE[session.state] then
    return session
  end
  return nil
end

--- A streaming session in any buffer, or nil.
---@return flint.Session|nil
function M.any_streaming()
  for _, session in pairs(M.by_id) do
    if session.state == 'streaming' then
      return session
    end
  end
  return nil
end

---@param bufnr integer
---@return flint.Session|nil
local function streaming_in(bufnr)
  for _, session in pairs(M.by_id) do
    if session.bufnr == bufnr and session.state == 'streaming' then
      return session
    end
  end
  return nil
end

--- A rejection was asked for in `bufnr`: its restore is the next edit not part of a stream.
---@param bufnr integer
function M.expect_reject(bufnr)
  rejecting[bufnr] = true
end

--- flint answered the rejection (its restore, if any, landed before the answer).
---@param bufnr integer
function M.reject_answered(bufnr)
  rejecting[bufnr] = nil
end

-- Undo of a rejection brings flint's text back as plain text (no session any more): it is
-- the rejection's own undo step, as any edit's, and the plugin says so once when it happens.
-- bufnr -> { seq } (the undo sequence number of the rejection's restore).
---@type table<integer, flint.RejectWatch>
local reject_watch = {}

---@param bufnr integer
---@return integer
local function undo_seq(bufnr)
  return vim.api.nvim_buf_call(bufnr, function()
    return vim.fn.undotree().seq_cur
  end)
end

---@param bufnr integer
---@param watch flint.RejectWatch
local function check_reject_undone(bufnr, watch)
  watch.pending = false
  if reject_watch[bufnr] ~= watch or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  if undo_seq(bufnr) < watch.seq then
    reject_watch[bufnr] = nil
    require('flint.message').show(
      'flint: undo brought back the rejected edit; it is plain text now, not in review',
      vim.log.levels.WARN)
  end
end

---@param bufnr integer
local function watch_reject(bufnr)
  local watch = { seq = undo_seq(bufnr) }
  local attached = reject_watch[bufnr] ~= nil
  reject_watch[bufnr] = watch
  if attached then
    return
  end
  vim.api.nvim_buf_attach(bufnr, false, {
    on_lines = function()
      local current = reject_watch[bufnr]
      if not current then
        return true
      end
      if not current.pending then
        current.pending = true
        vim.schedule(function()
          check_reject_undone(bufnr, current)
        end)
      end
    end,
    on_detach = function()
      reject_watch[bufnr] = nil
    end,
  })
end

--- Before an edit to `bufnr` is applied: when a session streams into it and nothing changed
--- the buffer since its previous edit, joins this edit to that edit's undo step. A change of
--- the user's in between starts a new step, so undoing flint's edits never undoes typing.
--- Returns what after_apply needs: the streaming session, a rejection mark, or nil.
---@param bufnr integer
---@return flint.Session|flint.RejectionMark|nil
function M.before_apply(bufnr)
  local session = streaming_in(bufnr)
  if not session then
    -- Not part of a stream (a rejection's restore, an agent job's result): its own undo step,
    -- even when Neovim has not closed the block of the edit before it yet (both can arrive
    -- in one batch of messages). Setting 'undolevels' to itself closes the block (:h undo-break).
    vim.api.nvim_buf_call(bufnr, function()
      pcall(vim.cmd, 'let &undolevels = &undolevels')
    end)
    if rejecting[bufnr] then
      rejecting[bufnr] = nil
      return { rejection = true }
    end
    return nil
  end
  if session.last_tick and session.last_tick == vim.api.nvim_buf_get_changedtick(bufnr) then
    vim.api.nvim_buf_call(bufnr, function()
      pcall(vim.cmd, 'undojoin')
    end)
  end
  return session
end

--- After the edit landed: records the streaming session's changedtick, or starts watching
--- for an undo of a rejection's restore.
---@param session flint.Session|flint.RejectionMark|nil What before_apply returned.
---@param bufnr integer
function M.after_apply(session, bufnr)
  if session and session.rejection then
    watch_reject(bufnr)
  elseif session then
    session.last_tick = vim.api.nvim_buf_get_changedtick(bufnr)
  end
end

--- Forgets the sessions of a buffer (unloaded) or of a client (stopped).
---@param filter { bufnr?: integer, client_id?: integer }
function M.forget(filter)
  for id, session in pairs(M.by_id) do
    if (filter.bufnr and session.bufnr == filter.bufnr)
        or (filter.client_id and session.client_id == filter.client_id) then
      highlight.clear(session.bufnr, session.mark)
      highlight.clear(session.bufnr, session.actions_mark, highlight.actions_ns)
      if session.bufnr and vim.api.nvim_buf_is_valid(session.bufnr) then
        session_keys.uninstall(session.bufnr)
      end
      M.by_id[id] = nil
      if session.bufnr and latest_by_buf[session.bufnr] == id then
        latest_by_buf[session.bufnr] = nil
      end
    end
  end
  status.changed()
end

--- "first edit 120 ms, 512 tokens at 850 tok/s, 14 edits" from a result's stats.
---@param stats flint.EditStats|nil
---@return string
function M.describe_stats(stats)
  if type(stats) ~= 'table' then
    return ''
  end
  local parts = {}
  if type(stats.firstEditMs) == 'number' then
    table.insert(parts, string.format('first edit %d ms', stats.firstEditMs))
  end
  if type(stats.tokens) == 'number' then
    local text = string.format(stats.tokens == 1 and '%d token' or '%d tokens', stats.tokens)
    local rate = M.tokens_per_second(stats)
    if rate then
      text = text .. string.format(' at %.0f tok/s', rate)
    end
    table.insert(parts, text)
  end
  if type(stats.edits) == 'number' then
    table.insert(parts, string.format(stats.edits == 1 and '%d edit' or '%d edits', stats.edits))
  end
  return table.concat(parts, ', ')
end

--- Streaming rate: tokens over the time from the first token to the end of the stream.
---@param stats flint.EditStats|nil
---@return number|nil
function M.tokens_per_second(stats)
  if type(stats) ~= 'table' or type(stats.tokens) ~= 'number'
      or type(stats.durationMs) ~= 'number' then
    return nil
  end
  local span = stats.durationMs - (type(stats.firstTokenMs) == 'number' and stats.firstTokenMs or 0)
  if stats.tokens == 0 or span <= 0 then
    return nil
  end
  return stats.tokens * 1000 / span
end

return M
