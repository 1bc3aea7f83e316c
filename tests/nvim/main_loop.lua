-- Drives a test body in Neovim's real main loop: the body is a coroutine that yields while
-- Neovim reads the keys it typed and runs timers, autocommands and LSP callbacks (vim.wait()
-- would run none of the key handling). The test ends when the body returns or fails.
--
--   local loop = require('main_loop')
--   loop.run(function()
--     vim.api.nvim_input('A')
--     loop.wait_until('insert mode', function() return vim.api.nvim_get_mode().mode == 'i' end)
--     loop.type_keys({ 'x', 'y' })
--   end)
local h = require('helpers')

local M = {}

local body
local function resume(...)
  local ok, err = coroutine.resume(body, ...)
  if not ok then
    h.finish(false, debug.traceback(body, err))
  elseif coroutine.status(body) == 'dead' then
    h.finish(true)
  end
end

--- Yields until `predicate()` is true; fails the test after `timeout_ms`.
function M.wait_until(what, predicate, timeout_ms)
  local deadline = vim.loop.now() + (timeout_ms or h.timeout_ms)
  local function check()
    local ok, value = pcall(predicate)
    if ok and value then
      return resume(true)
    elseif vim.loop.now() > deadline then
      return resume(false)
    end
    vim.defer_fn(check, 10)
  end
  vim.defer_fn(check, 10)
  if not coroutine.yield() then
    error('timed out waiting for ' .. what, 2)
  end
end

--- Yields for `ms` milliseconds of the main loop.
function M.pause(ms)
  vim.defer_fn(function()
    resume(true)
  end, ms)
  coroutine.yield()
end

--- Types `keys` (a list of key notations) one at a time, `gap_ms` apart, each read by the
--- main loop as a person's keystroke.
function M.type_keys(keys, gap_ms)
  for _, key in ipairs(keys) do
    vim.api.nvim_input(key)
    M.pause(gap_ms or 20)
  end
end

--- The characters of `text` as keys ("<" spelled "<lt>").
function M.chars(text)
  local list = {}
  for char in text:gmatch('.') do
    table.insert(list, char == '<' and '<lt>' or char)
  end
  return list
end

--- Runs `fn` as the test body; the script must not call h.finish itself.
function M.run(fn)
  body = coroutine.create(fn)
  resume()
  h.continue_in_main_loop()
end

return M
