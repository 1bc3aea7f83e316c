-- Buffer-local normal-mode keys that exist only while an edit session is live in the buffer
-- (streaming or in review): accept, reject, steer and cancel, on the same keys as the
-- `keymaps` option names (<leader>ia, <leader>ir, <leader>is, <leader>ic by default).
-- A key that already has a mapping of the user's (in the buffer or global) is left alone:
-- the actions line then names the command instead. Option: `session_keymaps` (default true).
local M = {}

--- What a session key does.
---@alias flint.SessionAction 'accept'|'reject'|'steer'|'cancel'

-- Action -> the command its key runs.
---@type table<flint.SessionAction, string>
M.ACTIONS = {
  accept = 'FlintAccept',
  reject = 'FlintReject',
  steer = 'FlintSteer',
  cancel = 'FlintCancel',
}

-- bufnr -> { [action] = lhs } of the mappings this module made in that buffer.
---@type table<integer, table<flint.SessionAction, string>>
local installed = {}

--- { [action] = lhs } the options ask for (empty when session_keymaps is false).
---@return table<flint.SessionAction, string>
function M.wanted()
  local config = require('flint.config')
  local options = config.options
  if options.session_keymaps == false then
    return {}
  end
  local maps = vim.tbl_deep_extend('force', vim.deepcopy(config.default_keymaps),
    type(options.keymaps) == 'table' and options.keymaps or {})
  local keys = {}
  for action in pairs(M.ACTIONS) do
    local map = maps[action]
    if type(map) == 'table' and type(map.lhs) == 'string' and map.lhs ~= '' then
      keys[action] = map.lhs
    end
  end
  return keys
end

-- The mapping on `lhs` seen from `bufnr` is nobody's or flint's own (keymaps = true).
---@param bufnr integer
---@param lhs string
---@return boolean
local function free_or_flints(bufnr, lhs)
  local existing = vim.api.nvim_buf_call(bufnr, function()
    return vim.fn.maparg(lhs, 'n', false, true)
  end)
  -- No mapping: an empty dict (which 0.7 hands back from nvim_buf_call as a marked table).
  if type(existing) ~= 'table' or existing.lhs == nil then
    return true
  end
  local rhs, desc = existing.rhs or '', existing.desc or ''
  return rhs:find('Flint', 1, true) ~= nil or desc:match('^flint:') ~= nil
end

--- The keys that act in `bufnr` now: { [action] = lhs } (installed, or flint's global ones).
---@param bufnr integer
---@return table<flint.SessionAction, string>
function M.active(bufnr)
  return installed[bufnr] or {}
end

--- Maps the session keys in `bufnr` (no-op when done already).
---@param bufnr integer
function M.install(bufnr)
  if installed[bufnr] or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local made = {}
  for action, lhs in pairs(M.wanted()) do
    if free_or_flints(bufnr, lhs) then
      local ok = pcall(vim.keymap.set, 'n', lhs, '<cmd>' .. M.ACTIONS[action] .. '<cr>', {
        buffer = bufnr,
        silent = true,
        desc = 'flint: ' .. action .. ' (while an edit session is live)',
      })
      if ok then
        made[action] = lhs
      end
    end
  end
  installed[bufnr] = made
end

--- Removes the keys this module mapped in `bufnr`; the user's own mappings show again.
---@param bufnr integer
function M.uninstall(bufnr)
  local made = installed[bufnr]
  installed[bufnr] = nil
  if not made or not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  for action, lhs in pairs(made) do
    local current = vim.api.nvim_buf_call(bufnr, function()
      return vim.fn.maparg(lhs, 'n', false, true)
    end)
    -- Only while it is still ours (the user may have mapped the key since).
    if type(current) == 'table' and current.buffer == 1
        and (current.desc == nil or current.desc:find('while an edit session is live', 1, true))
        and (current.rhs or ''):find(M.ACTIONS[action], 1, true) then
      pcall(vim.keymap.del, 'n', lhs, { buffer = bufnr })
    end
  end
end

return M
