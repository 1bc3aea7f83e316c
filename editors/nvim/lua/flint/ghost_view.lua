-- Drawing a ghost-text suggestion with one extmark in its own namespace: the first line at
-- the cursor, the following lines as virtual lines below it. Neovim 0.10+ draws the first
-- line inline (the rest of the line moves right, as it will when accepted); older releases
-- have no inline virtual text, so the first line is drawn over the cursor's column together
-- with the text that follows the cursor, shifted, as an overlay.
local M = {}

---@type integer
M.ns = vim.api.nvim_create_namespace('flint_ghost_text')
-- Defined in highlight.lua (linked to Comment).
---@type string
M.group = 'FlintGhostText'

local has_inline = vim.fn.has('nvim-0.10') == 1

-- Virtual text shows a tab as one cell; spaces keep the suggestion's indent readable.
---@param bufnr integer
---@param line string
---@return string
local function expand_tabs(bufnr, line)
  if not line:find('\t', 1, true) then
    return line
  end
  local width = vim.api.nvim_buf_get_option(bufnr, 'tabstop')
  return (line:gsub('\t', string.rep(' ', width)))
end

--- Draws `text` at (row, col) of `bufnr`, reusing mark `mark_id` (no flicker when the
--- suggestion only moves on). Returns the mark's id, or nil when it could not be drawn.
---@param bufnr integer
---@param mark_id integer|nil
---@param row integer
---@param col integer
---@param text string
---@return integer|nil
function M.draw(bufnr, mark_id, row, col, text)
  local lines = vim.split(text, '\n', { plain = true })
  local first = expand_tabs(bufnr, lines[1])
  local opts = { id = mark_id, hl_mode = 'combine', priority = 200 }
  if has_inline then
    opts.virt_text = { { first, M.group } }
    opts.virt_text_pos = 'inline'
  else
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
    opts.virt_text = { { first, M.group }, { line:sub(col + 1), 'Normal' } }
    opts.virt_text_pos = 'overlay'
  end
  if #lines > 1 then
    opts.virt_lines = {}
    for i = 2, #lines do
      table.insert(opts.virt_lines, { { expand_tabs(bufnr, lines[i]), M.group } })
    end
  end
  local ok, id = pcall(vim.api.nvim_buf_set_extmark, bufnr, M.ns, row, col, opts)
  return ok and id or nil
end

--- Clears the suggestion drawn in `bufnr`.
---@param bufnr integer
function M.clear(bufnr)
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

return M
