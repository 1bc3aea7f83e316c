-- The region of an edit session, drawn with one extmark per session in the "flint"
-- namespace. Extmarks move with the text, so the highlight follows edits made around and
-- inside the region between two flint/editSession updates.
local positions = require('flint.positions')

local M = {}

---@type integer
M.ns = vim.api.nvim_create_namespace('flint')
-- The actions line above a live session ("flint: review · accept <leader>ia ...").
---@type integer
M.actions_ns = vim.api.nvim_create_namespace('flint_actions')

--- Defines the default highlight groups (linked, so colour schemes may override them).
function M.define_groups()
  vim.api.nvim_set_hl(0, 'FlintStreaming', { default = true, link = 'DiffChange' })
  vim.api.nvim_set_hl(0, 'FlintReview', { default = true, link = 'DiffAdd' })
  vim.api.nvim_set_hl(0, 'FlintGhostText', { default = true, link = 'Comment' })
end

--- Draws (or moves) the mark `mark_id` over LSP `range`; returns the mark's id.
---@param bufnr integer
---@param mark_id integer|nil
---@param range flint.Range
---@param encoding flint.PositionEncoding|string
---@param group string Highlight group.
---@return integer|nil
function M.show(bufnr, mark_id, range, encoding, group)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return nil
  end
  local extent = positions.range_to_extent(bufnr, range, encoding)
  local ok, id = pcall(vim.api.nvim_buf_set_extmark, bufnr, M.ns, extent[1], extent[2], {
    id = mark_id,
    end_row = extent[3],
    end_col = extent[4],
    hl_group = group,
    hl_eol = true,
    priority = 150,
    -- Text typed at either edge of the region belongs to the region.
    right_gravity = false,
    end_right_gravity = true,
  })
  return ok and id or mark_id
end

--- Draws (or moves) the actions line `text` as a virtual line above `row` (below it when
--- `below`: nothing shows above the first line of a buffer); returns the mark's id.
---@param bufnr integer
---@param mark_id integer|nil
---@param row integer
---@param text string
---@param below boolean
---@return integer|nil
function M.show_actions(bufnr, mark_id, row, text, below)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return nil
  end
  local ok, id = pcall(vim.api.nvim_buf_set_extmark, bufnr, M.actions_ns, row, 0, {
    id = mark_id,
    virt_lines = { { { text, 'FlintActions' } } },
    virt_lines_above = not below,
  })
  return ok and id or mark_id
end

--- Deletes mark `mark_id` of namespace `ns` (default M.ns), if any.
---@param bufnr integer|nil
---@param mark_id integer|nil
---@param ns? integer
function M.clear(bufnr, mark_id, ns)
  if mark_id and vim.api.nvim_buf_is_valid(bufnr) then
    pcall(vim.api.nvim_buf_del_extmark, bufnr, ns or M.ns, mark_id)
  end
end

--- The current extent of a mark: { start_row, start_col, end_row, end_col, hl_group } or nil.
---@param bufnr integer
---@param mark_id integer|nil
---@return (integer|string)[]|nil extent { start_row, start_col, end_row, end_col, hl_group }
function M.extent(bufnr, mark_id)
  if not mark_id or not vim.api.nvim_buf_is_valid(bufnr) then
    return nil
  end
  local mark = vim.api.nvim_buf_get_extmark_by_id(bufnr, M.ns, mark_id, { details = true })
  if not mark or not mark[1] then
    return nil
  end
  local details = mark[3] or {}
  return { mark[1], mark[2], details.end_row, details.end_col, details.hl_group }
end

return M
