-- Every message the plugin shows goes through show(): one line on screen, never a hit-enter
-- prompt ("Press ENTER"). A message that fits the command line (v:echospace) is echoed as it
-- is and kept in :messages. A longer one, or one of several lines (a model's answer, an error
-- with details), is cut to one line on screen; the whole text goes to :messages and to the
-- LSP log (:lua print(vim.lsp.get_log_path())). When vim.notify has been replaced (nvim-notify,
-- fidget, noice...), the replacement gets the whole text instead: those do not prompt.
--
--   require('flint.message').show('flint: job 3 done', vim.log.levels.INFO, answer_text)

--- One message shown (message.history).
---@class flint.MessageEntry
---@field text string The line, "flint: "-prefixed.
---@field level flint.LogLevel
---@field details? string More lines, kept in :messages and the log.

--- The vim.lsp.log function a level's long message is logged with.
---@alias flint.LogName 'error'|'warn'|'info'|'debug'|'trace'

local M = {}

---@type table<flint.LogLevel, string>
local HIGHLIGHT = {
  [vim.log.levels.ERROR] = 'ErrorMsg',
  [vim.log.levels.WARN] = 'WarningMsg',
}

---@type table<flint.LogLevel, flint.LogName>
local LOG = {
  [vim.log.levels.ERROR] = 'error',
  [vim.log.levels.WARN] = 'warn',
  [vim.log.levels.INFO] = 'info',
  [vim.log.levels.DEBUG] = 'debug',
  [vim.log.levels.TRACE] = 'trace',
}

-- The messages shown, newest last: { text, level, details } (for tests and :FlintMessages-like
-- tools; the whole text is in :messages anyway).
---@type flint.MessageEntry[]
M.history = {}
local MAX_HISTORY = 50

--- True while vim.notify is Neovim's own (which echoes, and prompts on long text).
---@return boolean
function M.builtin_notify()
  local info = debug.getinfo(vim.notify, 'S')
  return info ~= nil and type(info.source) == 'string'
    and info.source:match('vim/_editor%.lua$') ~= nil
end

--- The columns a one-line message may use without a prompt.
---@return integer
function M.width()
  local space = vim.v.echospace
  if type(space) ~= 'number' or space <= 0 then
    space = vim.o.columns - 12
  end
  return math.max(space, 10)
end

--- `text` cut to `width` display cells, ending in "…" when cut.
---@param text string
---@param width integer
---@return string
function M.truncate(text, width)
  if vim.fn.strdisplaywidth(text) <= width then
    return text
  end
  local chars = vim.fn.strchars(text)
  local kept = ''
  for i = 0, chars - 1 do
    local next = kept .. vim.fn.strcharpart(text, i, 1)
    if vim.fn.strdisplaywidth(next) > width - 1 then
      break
    end
    kept = next
  end
  return kept .. '…'
end

---@param lines string[]
---@param group string|nil Highlight group.
local function echo_to_history(lines, group)
  -- execute() without :silent adds to the message history; the redraw below replaces what
  -- it displayed before it can scroll into a prompt.
  local commands = {}
  if group then
    table.insert(commands, 'echohl ' .. group)
  end
  for _, line in ipairs(lines) do
    table.insert(commands, 'echomsg ' .. vim.fn.string(line))
  end
  if group then
    table.insert(commands, 'echohl None')
  end
  pcall(vim.fn.execute, commands, '')
  pcall(vim.cmd, 'redraw')
end

---@param text string
---@param level flint.LogLevel|nil
---@param details string|nil
local function show_now(text, level, details)
  level = level or vim.log.levels.INFO
  if not text:match('^flint') then
    text = 'flint: ' .. text
  end
  local full = text
  if type(details) == 'string' and details:match('%S') then
    full = text .. '\n' .. details
  end
  table.insert(M.history, { text = text, level = level, details = details })
  if #M.history > MAX_HISTORY then
    table.remove(M.history, 1)
  end

  if not M.builtin_notify() then
    return vim.notify(full, level)
  end
  local group = HIGHLIGHT[level]
  local width = M.width()
  if not full:find('\n', 1, true) and vim.fn.strdisplaywidth(full) <= width then
    vim.api.nvim_echo({ { full, group } }, true, {})
    return
  end
  local lines = vim.split(full, '\n', { plain = true })
  local log = vim.lsp and vim.lsp.log and vim.lsp.log[LOG[level] or 'info']
  if log then
    pcall(log, 'flint', full)
  end
  echo_to_history(lines, group)
  -- The first line, cut: what happened; the rest is in :messages.
  local summary = lines[1]
  if #lines > 1 then
    summary = summary .. ' (:messages)'
    if vim.fn.strdisplaywidth(summary) > width then
      summary = M.truncate(lines[1], width - #' (:messages)') .. ' (:messages)'
    end
  else
    summary = M.truncate(summary, width)
  end
  vim.api.nvim_echo({ { summary, group } }, false, {})
end

--- Shows `text` (one line, "flint: " prefixed when it is not) at `level` (vim.log.levels,
--- default INFO), with optional `details` (any number of lines) kept in :messages and the log.
---@param text string
---@param level flint.LogLevel|nil
---@param details string|nil
function M.show(text, level, details)
  text = tostring(text)
  if vim.in_fast_event() then
    return vim.schedule(function()
      show_now(text, level, details)
    end)
  end
  show_now(text, level, details)
end

return M
