-- flint's `workspace/applyEdit` handler. Neovim's default answers `applied: true` even when it
-- skipped an edit made against an older document version; flint relies on that answer to
-- rebase and retry, so this handler checks versions itself. It also groups a session's
-- streamed edits into one undo step and asks before applying an agent job's result.
local compat = require('flint.compat')
local config = require('flint.config')
local sessions = require('flint.sessions')
local text_edits = require('flint.text_edits')

--- The params of workspace/applyEdit.
---@class flint.ApplyWorkspaceEditParams
---@field label? string
---@field edit table An LSP WorkspaceEdit (documentChanges or changes, changeAnnotations).

--- The answer to workspace/applyEdit.
---@class flint.ApplyWorkspaceEditResult
---@field applied boolean
---@field failureReason? string

--- One document a WorkspaceEdit touches.
---@class flint.EditedDocument
---@field uri string
---@field version? integer The version the edit was made for (documentChanges only).
---@field kind? string 'create'|'rename'|'delete' for a file operation.
---@field edits integer How many text edits.

--- What a reviewer of a WorkspaceEdit is asked (and what a confirm_agent_edits function gets
--- for an edit that needs confirmation).
---@class flint.ApplyEditSummary
---@field label string
---@field files { path: string, edits: integer, kind?: string }[]
---@field text string

local M = {}

---@param uri string
---@return integer|nil
local function loaded_buffer(uri)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.uri_from_bufnr(bufnr) == uri then
      return bufnr
    end
  end
  return nil
end

---@param value any
---@return boolean
local function present(value)
  return value ~= nil and value ~= vim.NIL
end

--- { uri = edit count } of a WorkspaceEdit, in the order of documentChanges.
---@param edit table A WorkspaceEdit.
---@return flint.EditedDocument[]
local function documents(edit)
  local list = {}
  if type(edit.documentChanges) == 'table' then
    for _, change in ipairs(edit.documentChanges) do
      if type(change) == 'table' and type(change.textDocument) == 'table' then
        table.insert(list, {
          uri = change.textDocument.uri,
          version = change.textDocument.version,
          edits = type(change.edits) == 'table' and #change.edits or 0,
        })
      elseif type(change) == 'table' and change.kind then
        table.insert(list, { uri = change.uri or change.newUri, kind = change.kind, edits = 0 })
      end
    end
  elseif type(edit.changes) == 'table' then
    for uri, edits in pairs(edit.changes) do
      table.insert(list, { uri = uri, edits = type(edits) == 'table' and #edits or 0 })
    end
  end
  return list
end

--- Why the edit cannot apply (a document changed since the version it was made for), or nil.
---@param docs flint.EditedDocument[]
---@return string|nil
local function stale_reason(docs)
  for _, doc in ipairs(docs) do
    if type(doc.version) == 'number' then
      local bufnr = loaded_buffer(doc.uri)
      local current = bufnr and compat.buf_version(bufnr)
      if current and current ~= doc.version then
        return string.format('%s is at version %d, the edit is for version %d', doc.uri,
          current, doc.version)
      end
    end
  end
  return nil
end

-- Only a change annotation asks for confirmation. flint sends none to this plugin (a job's
-- result waits until the person applies it, see job_review.lua); another server might.
---@param params flint.ApplyWorkspaceEditParams
---@return boolean
local function needs_review(params)
  local annotations = params.edit.changeAnnotations
  if type(annotations) == 'table' then
    for _, annotation in pairs(annotations) do
      if type(annotation) == 'table' and annotation.needsConfirmation == true then
        return true
      end
    end
  end
  return false
end

--- What a reviewer is asked: { label, files = { { path, edits } }, text }.
---@param params flint.ApplyWorkspaceEditParams
---@param docs flint.EditedDocument[]
---@return flint.ApplyEditSummary
function M.summary(params, docs)
  local label = present(params.label) and params.label or 'flint edit'
  local files, lines = {}, { string.format('flint: apply "%s"?', label) }
  for _, doc in ipairs(docs) do
    local path = vim.fn.fnamemodify(vim.uri_to_fname(doc.uri), ':~:.')
    table.insert(files, { path = path, edits = doc.edits, kind = doc.kind })
    table.insert(lines, string.format('  %s (%s)', path, doc.kind or (doc.edits .. (doc.edits == 1 and ' edit' or ' edits'))))
  end
  return { label = label, files = files, text = table.concat(lines, '\n') }
end

---@param summary flint.ApplyEditSummary
---@return boolean
local function confirmed(summary)
  local choice = config.options.confirm_agent_edits
  if type(choice) == 'function' then
    return choice(summary) == true
  end
  -- Headless (no UI attached): nobody can answer a prompt.
  if choice == false or #vim.api.nvim_list_uis() == 0 then
    return true
  end
  -- A prompt would take the keys of someone typing: ask only when idle in normal mode.
  if vim.fn.mode() ~= 'n' or vim.fn.getchar(1) ~= 0 then
    return false
  end
  return vim.fn.confirm(summary.text, '&Apply\n&Discard', 1) == 1
end

-- Text edits only (what flint streams): each document's edits as one buffer change. Anything
-- else (file operations, the `changes` form) goes through vim.lsp.util, in its order.
---@param edit table A WorkspaceEdit.
---@param encoding string
local function apply(edit, encoding)
  local changes = edit.documentChanges
  local plain = type(changes) == 'table' and edit.changes == nil
  for _, change in ipairs(plain and changes or {}) do
    if type(change) ~= 'table' or change.kind ~= nil or type(change.edits) ~= 'table' then
      plain = false
    end
  end
  if not plain then
    return vim.lsp.util.apply_workspace_edit(edit, encoding)
  end
  for _, change in ipairs(changes) do
    local bufnr = vim.uri_to_bufnr(change.textDocument.uri)
    if not vim.api.nvim_buf_is_loaded(bufnr) then
      vim.fn.bufload(bufnr)
    end
    vim.api.nvim_buf_set_option(bufnr, 'buflisted', true)
    text_edits.apply(bufnr, change.edits, encoding)
  end
end

--- The workspace/applyEdit handler.
---@param params flint.ApplyWorkspaceEditParams|any
---@param ctx flint.HandlerContext
---@return flint.ApplyWorkspaceEditResult
function M.handler(_, params, ctx)
  if type(params) ~= 'table' or type(params.edit) ~= 'table' then
    return { applied = false, failureReason = 'no edit given' }
  end
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local docs = documents(params.edit)
  local stale = stale_reason(docs)
  if stale then
    return { applied = false, failureReason = stale }
  end
  if needs_review(params) and not confirmed(M.summary(params, docs)) then
    return { applied = false, failureReason = 'declined (or the person was typing)' }
  end

  ---@type table<integer, flint.Session|flint.RejectionMark|false>
  local grouped = {}
  for _, doc in ipairs(docs) do
    local bufnr = loaded_buffer(doc.uri)
    if bufnr and not grouped[bufnr] then
      grouped[bufnr] = sessions.before_apply(bufnr) or false
    end
  end
  local encoding = client and client.offset_encoding or 'utf-16'
  local ok, err = pcall(apply, params.edit, encoding)
  for bufnr, session in pairs(grouped) do
    if session then
      sessions.after_apply(session, bufnr)
    end
  end
  if not ok then
    return { applied = false, failureReason = tostring(err) }
  end
  return { applied = true }
end

return M
