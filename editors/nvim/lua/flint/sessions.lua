-- Inline edit sessions as flint reports them (flint/editSession and the flint.inlineEdit
-- result): their state, their highlighted region, and the undo grouping of their edits.
local highlight = require('flint.highlight')
local status = require('flint.status')

local M = {}

-- sessionId -> { id, bufnr, uri, client_id, state, region, reason, jobId, mark, last_tick,
--                result }
M.by_id = {}
local latest_by_buf = {}

-- States in which a session still owns its region: streaming, or done and awaiting review.
local LIVE = { streaming = true, done = true }

local function encoding_of(client_id)
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  return client and client.offset_encoding or 'utf-16'
end

local function redraw(session)
  local group = session.state == 'streaming' and 'FlintStreaming'
    or (session.state == 'done' and 'FlintReview' or nil)
  if group and session.region and vim.api.nvim_buf_is_loaded(session.bufnr) then
    session.mark = highlight.show(session.bufnr, session.mark, session.region,
      encoding_of(session.client_id), group)
  else
    highlight.clear(session.bufnr, session.mark)
    session.mark = nil
  end
end

local function upsert(id, uri, client_id)
  local session = M.by_id[id]
  if not session then
    session = { id = id, uri = uri, client_id = client_id }
    M.by_id[id] = session
  end
  if uri and not session.bufnr then
    session.uri = uri
    session.bufnr = vim.uri_to_bufnr(uri)
  end
  return session
end

--- Handler of the flint/editSession notification.
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
function M.current(bufnr)
  local id = latest_by_buf[bufnr]
  local session = id and M.by_id[id]
  if session and LIVE[session.state] then
    return session
  end
  return nil
end

function M.any_streaming()
  for _, session in pairs(M.by_id) do
    if session.state == 'streaming' then
      return session
    end
  end
  return nil
end

local function streaming_in(bufnr)
  for _, session in pairs(M.by_id) do
    if session.bufnr == bufnr and session.state == 'streaming' then
      return session
    end
  end
  return nil
end

--- Before an edit to `bufnr` is applied: when a session streams into it and nothing changed
--- the buffer since its previous edit, joins this edit to that edit's undo step. A change of
--- the user's in between starts a new step, so undoing flint's edits never undoes typing.
function M.before_apply(bufnr)
  local session = streaming_in(bufnr)
  if not session then
    -- Not part of a stream (a rejection's restore, an agent job's result): its own undo step,
    -- even when Neovim has not closed the block of the edit before it yet (both can arrive
    -- in one batch of messages). Setting 'undolevels' to itself closes the block (:h undo-break).
    vim.api.nvim_buf_call(bufnr, function()
      pcall(vim.cmd, 'let &undolevels = &undolevels')
    end)
    return nil
  end
  if session.last_tick and session.last_tick == vim.api.nvim_buf_get_changedtick(bufnr) then
    vim.api.nvim_buf_call(bufnr, function()
      pcall(vim.cmd, 'undojoin')
    end)
  end
  return session
end

function M.after_apply(session, bufnr)
  if session then
    session.last_tick = vim.api.nvim_buf_get_changedtick(bufnr)
  end
end

--- Forgets the sessions of a buffer (unloaded) or of a client (stopped).
function M.forget(filter)
  for id, session in pairs(M.by_id) do
    if (filter.bufnr and session.bufnr == filter.bufnr)
        or (filter.client_id and session.client_id == filter.client_id) then
      highlight.clear(session.bufnr, session.mark)
      M.by_id[id] = nil
      if session.bufnr and latest_by_buf[session.bufnr] == id then
        latest_by_buf[session.bufnr] = nil
      end
    end
  end
  status.changed()
end

--- "first edit 120 ms, 512 tokens at 850 tok/s, 14 edits" from a result's stats.
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
