-- The few places where Neovim's API differs between 0.7 (Debian 12) and current releases.
-- Every difference is detected at run time from what the running Neovim offers, never
-- assumed from a version number alone, so the rest of the plugin reads the same everywhere.

--- An LSP position encoding, as the client negotiated it.
---@alias flint.PositionEncoding 'utf-8'|'utf-16'|'utf-32'

--- `:checkhealth` reporting functions, the same on every Neovim.
---@class flint.Health
---@field start fun(name: string)
---@field ok fun(msg: string)
---@field warn fun(msg: string, advice?: string|string[])
---@field error fun(msg: string, advice?: string|string[])
---@field info fun(msg: string)

local M = {}

local uv = vim.loop or vim.uv

--- True when `vim.lsp.start` (0.8+) exists: it finds or starts a client per name and root.
---@type boolean
M.has_lsp_start = type(vim.lsp.start) == 'function'

--- True when the `LspProgress` event (0.10+) reports `$/progress` to autocommands.
---@type boolean
M.has_lsp_progress_event = vim.fn.exists('##LspProgress') == 1

--- The ghost-text module of 0.12+, or nil.
---@return table|nil
function M.inline_completion()
  local ok, mod = pcall(function()
    return vim.lsp.inline_completion
  end)
  if ok and type(mod) == 'table' and type(mod.enable) == 'function' then
    return mod
  end
  return nil
end

-- 0.11 turned client functions into methods (client:request) and changed the signatures of
-- vim.str_byteindex/str_utfindex; the old forms still work there but warn.
local methods_on_client = vim.fn.has('nvim-0.11') == 1

--- client:request (0.11+) or client.request: returns (ok, request_id).
---@param client flint.Client
---@param method string
---@param params table|nil
---@param handler? flint.ResponseHandler
---@param bufnr? integer
---@return boolean ok
---@return integer|nil request_id
function M.request(client, method, params, handler, bufnr)
  if methods_on_client then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- client:notify (0.11+) or client.notify.
---@param client flint.Client
---@param method string
---@param params table|nil
---@return boolean
function M.notify_server(client, method, params)
  if methods_on_client then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

---@param client flint.Client
---@return boolean
function M.is_stopped(client)
  if methods_on_client then
    return client:is_stopped()
  end
  return client.is_stopped()
end

--- Clients named `name`, optionally only those attached to `bufnr`.
---@param name string
---@param bufnr? integer
---@return flint.Client[]
function M.clients(name, bufnr)
  local list
  if vim.lsp.get_clients then
    list = vim.lsp.get_clients({ name = name, bufnr = bufnr })
  else
    list = {}
    local source = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
    for _, client in pairs(source) do
      if client.name == name then
        table.insert(list, client)
      end
    end
  end
  table.sort(list, function(a, b)
    return a.id < b.id
  end)
  return list
end

--- The document version Neovim last reported for `bufnr` in didOpen/didChange.
---@param bufnr integer
---@return integer
function M.buf_version(bufnr)
  -- 0.7-0.10 keep a plain table; later releases report changedtick as the version.
  local versions = vim.lsp.util.buf_versions
  local version = type(versions) == 'table' and rawget(versions, bufnr) or nil
  if version == nil then
    version = vim.api.nvim_buf_get_changedtick(bufnr)
  end
  return version
end

--- Byte column of LSP `character` in `line`, for a position encoding; clamped to the line.
---@param line string
---@param character integer
---@param encoding flint.PositionEncoding|string
---@return integer
function M.byte_col(line, character, encoding)
  if encoding == 'utf-8' then
    return math.min(character, #line)
  end
  local ok, col
  if methods_on_client then
    ok, col = pcall(vim.str_byteindex, line, encoding, character, false)
  else
    ok, col = pcall(vim.str_byteindex, line, character, encoding == 'utf-16')
  end
  if ok and col then
    return math.min(col, #line)
  end
  return #line
end

--- LSP character of byte column `col` in `line`, for a position encoding.
---@param line string
---@param col integer
---@param encoding flint.PositionEncoding|string
---@return integer
function M.char_col(line, col, encoding)
  col = math.min(col, #line)
  if encoding == 'utf-8' then
    return col
  end
  if methods_on_client then
    local ok, index = pcall(vim.str_utfindex, line, encoding, col, false)
    return ok and index or col
  end
  local ok, utf32, utf16 = pcall(vim.str_utfindex, line, col)
  if not ok then
    return col
  end
  return encoding == 'utf-16' and utf16 or utf32
end

--- Milliseconds from a monotonic clock.
---@return number
function M.now_ms()
  return uv.hrtime() / 1e6
end

--- `:checkhealth` reporting: vim.health (0.10+) or the older `health` module.
---@return flint.Health
function M.health()
  if vim.health and type(vim.health.start) == 'function' then
    return {
      start = vim.health.start,
      ok = vim.health.ok,
      warn = vim.health.warn,
      error = vim.health.error,
      info = vim.health.info,
    }
  end
  local health = require('health')
  return {
    start = health.report_start,
    ok = health.report_ok,
    warn = health.report_warn,
    error = health.report_error,
    info = health.report_info,
  }
end

return M
