-- Insert-mode keys for ghost text (opt-in with the `keymaps` option, see config.lua): each
-- acts on a shown suggestion and otherwise types the key as if it were not mapped.
local M = {}

--- An action of flint.ghost_text a key can run.
---@alias flint.GhostAction 'accept'|'accept_word'|'dismiss'

-- Keymap name (config.default_keymaps) -> the ghost_text function it calls.
---@type table<string, flint.GhostAction>
M.actions = {
  ghost_accept = 'accept',
  ghost_accept_word = 'accept_word',
  ghost_dismiss = 'dismiss',
}

---@param lhs string
local function fallback(lhs)
  local keys = vim.api.nvim_replace_termcodes(lhs, true, false, true)
  -- "n": no remapping, so the key does what it does unmapped; "i": before later typeahead.
  vim.api.nvim_feedkeys(keys, 'ni', false)
end

--- Installs the mappings; `option` is true or a table overriding config.default_keymaps.
---@param option boolean|table<string, flint.Keymap|false>|nil
function M.install(option)
  if not option then
    return
  end
  local config = require('flint.config')
  local maps = vim.tbl_deep_extend('force', vim.deepcopy(config.default_keymaps),
    type(option) == 'table' and option or {})
  for name, action in pairs(M.actions) do
    local map = maps[name]
    if map and map.lhs then
      local lhs = map.lhs
      for _, mode in ipairs(map.modes or { 'i' }) do
        vim.keymap.set(mode, lhs, function()
          if not require('flint.ghost_text')[action]() then
            fallback(lhs)
          end
        end, { desc = map.desc, silent = true })
      end
    end
  end
end

return M
