-- Ghost text: flint's textDocument/inlineCompletion shown at the cursor while you type.
-- Neovim 0.12+ has it built in (vim.lsp.inline_completion); on 0.7-0.11 this module asks
-- for it in insert mode and draws it with extmarks (ghost_view.lua).
--
-- One request in flight per buffer: a newer one cancels the older, and an answer is drawn
-- only if the buffer and the cursor are still where it was asked. The server debounces
-- (completion.debounceMs) and serves typed-through text from the same model stream, so
-- asking on each change does not call the model per keystroke. Typing what the suggestion
-- shows moves it on without asking again; anything else clears it and asks anew.
local compat = require('flint.compat')
local config = require('flint.config')
local positions = require('flint.positions')
local sessions = require('flint.sessions')
local suggestion = require('flint.ghost_suggestion')
local view = require('flint.ghost_view')

--- An inlineCompletion request in flight (or answered), and the cursor it was made for.
---@class flint.GhostRequest
---@field id? integer The LSP request id, for cancelling.
---@field client flint.Client
---@field tick integer
---@field row integer
---@field col integer

--- Ghost text in one buffer (Neovim before 0.12).
---@class flint.GhostState
---@field client_id integer
---@field request? flint.GhostRequest
---@field shown? flint.GhostSuggestion The suggestion drawn.
---@field line_before? string The cursor's line when it was drawn.
---@field mark? integer Its extmark (ghost_view.ns).

local M = {}

---@type string
M.method = 'textDocument/inlineCompletion'
local TRIGGER_AUTOMATIC = 2

-- :FlintGhostText on|off|toggle.
---@type boolean
M.enabled = true

-- bufnr -> { client_id, request?, shown?, line_before?, mark? }
-- request = { id?, client, tick, row, col }; shown = a suggestion (ghost_suggestion.lua).
---@type table<integer, flint.GhostState>
local states = {}

local group = vim.api.nvim_create_augroup('flint_ghost_text', { clear = true })

---@return integer row 0-based
---@return integer col
local function cursor()
  local pos = vim.api.nvim_win_get_cursor(0)
  return pos[1] - 1, pos[2]
end

---@return boolean
local function in_insert_mode()
  return vim.api.nvim_get_mode().mode == 'i'
end

---@param bufnr integer
---@return boolean
local function streaming_in(bufnr)
  for _, session in pairs(sessions.by_id) do
    if session.bufnr == bufnr and session.state == 'streaming' then
      return true
    end
  end
  return false
end

local methods_on_client = vim.fn.has('nvim-0.11') == 1

---@param state flint.GhostState
local function cancel_request(state)
  local request = state.request
  state.request = nil
  if request and request.id and not compat.is_stopped(request.client) then
    if methods_on_client then
      request.client:cancel_request(request.id)
    else
      request.client.cancel_request(request.id)
    end
  end
end

---@param bufnr integer
---@param state flint.GhostState
local function hide(bufnr, state)
  view.clear(bufnr)
  state.shown, state.mark, state.line_before = nil, nil, nil
end

---@param bufnr integer
---@param state flint.GhostState
---@param shown flint.GhostSuggestion
local function show(bufnr, state, shown)
  state.shown = shown
  state.line_before = vim.api.nvim_buf_get_lines(bufnr, shown.row, shown.row + 1, false)[1]
  state.mark = view.draw(bufnr, state.mark, shown.row, shown.col, shown.text)
end

--- True when `shown` was made for the buffer and cursor as they are now.
---@param bufnr integer
---@param shown flint.GhostSuggestion|flint.GhostRequest|nil
---@return boolean
local function current(bufnr, shown)
  if not shown or vim.api.nvim_get_current_buf() ~= bufnr then
    return false
  end
  local row, col = cursor()
  return shown.tick == vim.api.nvim_buf_get_changedtick(bufnr) and shown.row == row
    and shown.col == col
end

---@param bufnr integer
---@param request flint.GhostRequest
---@param err flint.ResponseError|nil
---@param result any
local function on_answer(bufnr, request, err, result)
  local state = states[bufnr]
  if not state or state.request ~= request then
    return -- cancelled, or a newer request was sent since
  end
  state.request = nil
  if err or not M.enabled or not in_insert_mode() or streaming_in(bufnr)
      or not current(bufnr, request) then
    return
  end
  local encoding = request.client.offset_encoding or 'utf-16'
  local shown = suggestion.from_result(bufnr, result, request.row, request.col, encoding)
  if shown then
    show(bufnr, state, shown)
  end
end

---@param bufnr integer
---@param state flint.GhostState
local function send_request(bufnr, state)
  local client = vim.lsp.get_client_by_id(state.client_id)
  if not client or compat.is_stopped(client) then
    return
  end
  local row, col = cursor()
  local request = {
    client = client,
    tick = vim.api.nvim_buf_get_changedtick(bufnr),
    row = row,
    col = col,
  }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = positions.to_lsp(bufnr, row, col, client.offset_encoding or 'utf-16'),
    context = { triggerKind = TRIGGER_AUTOMATIC },
  }
  state.request = request
  local ok, id = compat.request(client, M.method, params, function(err, result)
    on_answer(bufnr, request, err, result)
  end, bufnr)
  if ok and id then
    request.id = id
  elseif state.request == request then
    state.request = nil
  end
end

--- After a change or a cursor move in insert mode: move the suggestion on when the person
--- typed its start, else clear it and ask again (at most one request in flight).
---@param bufnr integer
local function on_change(bufnr)
  local state = states[bufnr]
  if not state or vim.api.nvim_get_current_buf() ~= bufnr or not in_insert_mode() then
    return
  end
  if current(bufnr, state.shown) or current(bufnr, state.request) then
    return -- CursorMovedI and TextChangedI of the same keystroke
  end
  local row, col = cursor()
  local moved = state.shown and suggestion.typed_through(bufnr, state.shown, state.line_before,
    row, col)
  if moved and moved.text ~= '' then
    return show(bufnr, state, moved)
  end
  hide(bufnr, state)
  cancel_request(state)
  if M.enabled and not streaming_in(bufnr) and vim.fn.pumvisible() == 0 then
    send_request(bufnr, state)
  end
end

--- Clears the suggestion of `bufnr` and forgets its request.
---@param bufnr integer
local function clear(bufnr)
  local state = states[bufnr]
  if state then
    hide(bufnr, state)
    cancel_request(state)
  end
end

--- vim.lsp.inline_completion (0.12+), or nil.
---@return table|nil
local function native()
  return compat.inline_completion()
end

--- Starts ghost text in `bufnr` for `client` (flint's on_attach).
---@param client flint.Client
---@param bufnr integer
function M.attach(client, bufnr)
  local provider = (client.server_capabilities or {}).inlineCompletionProvider
  if not config.options.inline_completion or not provider then
    return
  end
  local inline = native()
  if inline then
    pcall(inline.enable, M.enabled, { bufnr = bufnr, client_id = client.id })
    return
  end
  if states[bufnr] then
    states[bufnr].client_id = client.id
    return
  end
  states[bufnr] = { client_id = client.id }
  local function on(events, fn)
    vim.api.nvim_create_autocmd(events, { group = group, buffer = bufnr, callback = function()
      fn(bufnr)
    end })
  end
  on({ 'TextChangedI', 'CursorMovedI' }, on_change)
  -- InsertEnter comes before the mode changes: ask once insert mode has begun.
  on({ 'InsertEnter' }, function()
    vim.schedule(function()
      on_change(bufnr)
    end)
  end)
  on({ 'InsertLeave', 'BufLeave' }, clear)
  on({ 'BufUnload' }, M.detach)
end

--- Stops ghost text in `bufnr`.
---@param bufnr integer
function M.detach(bufnr)
  clear(bufnr)
  states[bufnr] = nil
  pcall(vim.api.nvim_clear_autocmds, { group = group, buffer = bufnr })
end

-- An edit session streaming into a buffer owns it: no ghost text there meanwhile.
vim.api.nvim_create_autocmd('User', { group = group, pattern = 'FlintStatus', callback = function()
  for bufnr in pairs(states) do
    if streaming_in(bufnr) then
      clear(bufnr)
    end
  end
end })

--- Inserts `text` over the suggestion's place (and its tail when `whole`), one undo step of
--- its own, and puts the cursor after it.
---@param bufnr integer
---@param shown flint.GhostSuggestion
---@param text string
---@param whole boolean
---@return integer row
---@return integer col
local function insert(bufnr, shown, text, whole)
  local erow, ecol = shown.row, shown.col
  if whole then
    erow, ecol = suggestion.tail_end(shown)
  end
  -- Close the undo block of the typing before: undo takes back the accepted text only.
  pcall(vim.cmd, 'let &undolevels = &undolevels')
  vim.api.nvim_buf_set_text(bufnr, shown.row, shown.col, erow, ecol,
    vim.split(text, '\n', { plain = true }))
  local row, col = suggestion.end_of(shown.row, shown.col, text)
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  if in_insert_mode() then
    -- And what is typed next starts a new one (i_CTRL-G_u), before any key already typed.
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<C-g>u', true, false, true), 'ni', false)
  end
  return row, col
end

---@param bufnr integer
---@return flint.GhostState|nil
local function visible_in(bufnr)
  local state = states[bufnr]
  return state and current(bufnr, state.shown) and state or nil
end

--- Inserts the whole suggestion. Returns true when there was one.
---@param bufnr? integer Default: the current buffer.
---@return boolean
function M.accept(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local inline = native()
  if inline and type(inline.get) == 'function' then
    return inline.get({ bufnr = bufnr }) and true or false
  end
  local state = visible_in(bufnr)
  if not state then
    return false
  end
  local shown = state.shown
  hide(bufnr, state)
  cancel_request(state)
  insert(bufnr, shown, shown.text, true)
  return true
end

--- Inserts the suggestion's next word and keeps showing the rest. Returns true when there
--- was a suggestion.
---@param bufnr? integer
---@return boolean
function M.accept_word(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local state = visible_in(bufnr)
  if not state then
    return false
  end
  local shown = state.shown
  local word, rest = suggestion.next_word(shown.text)
  if rest == '' then
    return M.accept(bufnr)
  end
  cancel_request(state)
  local row, col = insert(bufnr, shown, word, false)
  show(bufnr, state, {
    row = row, col = col, text = rest, tail = shown.tail,
    tick = vim.api.nvim_buf_get_changedtick(bufnr),
  })
  return true
end

--- Clears the suggestion without inserting it. Returns true when there was one.
---@param bufnr? integer
---@return boolean
function M.dismiss(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local was = visible_in(bufnr) ~= nil
  clear(bufnr)
  return was
end

--- True when a suggestion is shown in `bufnr` (default: the current buffer).
---@param bufnr? integer
---@return boolean
function M.visible(bufnr)
  return visible_in(bufnr or vim.api.nvim_get_current_buf()) ~= nil
end

--- The text still to be inserted by accept(), or nil.
---@param bufnr? integer
---@return string|nil
function M.suggestion(bufnr)
  local state = visible_in(bufnr or vim.api.nvim_get_current_buf())
  return state and state.shown.text or nil
end

--- Turns ghost text on or off in every buffer.
---@param enabled boolean
function M.set_enabled(enabled)
  M.enabled = enabled
  local inline = native()
  for bufnr, _ in pairs(states) do
    if not enabled then
      clear(bufnr)
    end
  end
  if inline then
    for _, client in ipairs(require('flint.client').all()) do
      pcall(inline.enable, enabled, { client_id = client.id })
    end
  end
end

--- :FlintGhostText on|off|toggle (no argument: toggle).
---@param arg string|nil 'on', 'off', 'toggle' or '' (toggle); anything else is refused.
function M.command(arg)
  if arg == 'on' or arg == 'off' then
    M.set_enabled(arg == 'on')
  elseif arg == nil or arg == '' or arg == 'toggle' then
    M.set_enabled(not M.enabled)
  else
    return require('flint.message').show('flint: :FlintGhostText on, off or toggle',
      vim.log.levels.WARN)
  end
  require('flint.message').show('flint: ghost text ' .. (M.enabled and 'on' or 'off'))
end

return M
