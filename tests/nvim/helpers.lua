-- What the Neovim end-to-end tests share: assertions that stop the test with a message, a
-- watchdog, waiting on the event loop, scratch projects, the loopback model endpoint
-- (flint-fake-endpoint) and starting the plugin against flint-lsp.
local uv = vim.loop or vim.uv

local M = {}

M.here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
M.repo = vim.fn.fnamemodify(M.here, ':h:h')
M.flint_lsp = os.getenv('FLINT_LSP') or (M.repo .. '/build/bin/flint-lsp')
M.fake_endpoint = os.getenv('FLINT_FAKE_ENDPOINT') or (M.repo .. '/build/bin/flint-fake-endpoint')
-- Generous: the test build runs flint-lsp under AddressSanitizer on a loaded 2-core machine.
M.timeout_ms = tonumber(os.getenv('FLINT_TEST_WAIT_MS') or '') or 30000

local version = vim.version()
M.nvim = string.format('%d.%d.%d', version.major, version.minor, version.patch)

local function log(text)
  io.stderr:write(text .. '\n')
end
M.log = log

local cleanups = {}
local finished = false
local continues_in_main_loop = false

--- Runs `fn` at the end of the test, pass or fail (last registered, first run).
function M.defer(fn)
  table.insert(cleanups, 1, fn)
end

local function inspect(value)
  if type(value) == 'string' then
    return string.format('%q', value)
  end
  return vim.inspect(value)
end

function M.fail(message)
  error(message, 2)
end

function M.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(string.format('%s:\n  expected %s\n  got      %s', what or 'values differ',
      inspect(expected), inspect(actual)), 2)
  end
end

function M.truthy(value, what)
  if not value then
    error((what or 'expected a true value') .. ', got ' .. inspect(value), 2)
  end
  return value
end

function M.contains(haystack, needle, what)
  if type(haystack) ~= 'string' or not haystack:find(needle, 1, true) then
    error(string.format('%s: %s does not contain %s', what or 'missing text', inspect(haystack),
      inspect(needle)), 2)
  end
end

--- Processes events until `predicate()` is true; fails after `timeout_ms` (default M.timeout_ms).
function M.wait_for(what, predicate, timeout_ms)
  local ok = vim.wait(timeout_ms or M.timeout_ms, function()
    local good, value = pcall(predicate)
    return good and value and true or false
  end, 10)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
end

--- Processes events for `ms` milliseconds.
function M.sleep(ms)
  vim.wait(ms, function()
    return false
  end, 10)
end

function M.tempdir()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  return dir
end

function M.write_file(path, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  local file = assert(io.open(path, 'wb'))
  file:write(text)
  file:close()
end

function M.read_file(path)
  local file = io.open(path, 'rb')
  if not file then
    return nil
  end
  local text = file:read('*a')
  file:close()
  return text
end

--- A scratch project: { [relative path] = text } -> its folder.
function M.project(files)
  local dir = M.tempdir()
  for path, text in pairs(files) do
    M.write_file(dir .. '/' .. path, text)
  end
  return dir
end

--- The text of a buffer, lines joined with "\n" and a final "\n".
function M.text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr or 0, 0, -1, false), '\n') .. '\n'
end

------------------------------------------------------------------------------------------
-- HTTP to the loopback endpoint's control routes (127.0.0.1 only).

local function http(port, method, path, body)
  body = body or ''
  local tcp = uv.new_tcp()
  local chunks, finished, failure = {}, false, nil
  tcp:connect('127.0.0.1', port, function(err)
    if err then
      failure, finished = err, true
      return
    end
    tcp:write(table.concat({
      method .. ' ' .. path .. ' HTTP/1.1',
      'Host: 127.0.0.1:' .. port,
      'Content-Type: application/json',
      'Content-Length: ' .. #body,
      'Connection: close',
      '',
      body,
    }, '\r\n'))
    tcp:read_start(function(read_err, data)
      if read_err then
        failure = read_err
      end
      if data then
        table.insert(chunks, data)
      else
        tcp:close()
        finished = true
      end
    end)
  end)
  M.wait_for(method .. ' ' .. path, function()
    return finished
  end, 10000)
  if failure then
    error(method .. ' ' .. path .. ': ' .. tostring(failure), 2)
  end
  local response = table.concat(chunks)
  local head, payload = response:match('^(.-)\r\n\r\n(.*)$')
  local status = tonumber((head or ''):match('^HTTP/%d%.%d (%d+)'))
  if (head or ''):lower():find('transfer%-encoding: chunked') then
    local decoded, rest = {}, payload
    while true do
      local size_hex, after = rest:match('^(%x+)[^\r\n]*\r\n(.*)$')
      local size = size_hex and tonumber(size_hex, 16) or 0
      if size == 0 then
        break
      end
      table.insert(decoded, after:sub(1, size))
      rest = after:sub(size + 3)
    end
    payload = table.concat(decoded)
  end
  return status, payload
end

------------------------------------------------------------------------------------------
-- The loopback model endpoint.

--- Starts flint-fake-endpoint with `script` (its JSON script, see tests/fake_endpoint/README.md).
--- Returns { port, base_url, set_script(script), requests() }.
function M.start_endpoint(script)
  if vim.fn.executable(M.fake_endpoint) ~= 1 then
    M.fail('flint-fake-endpoint not built: ' .. M.fake_endpoint)
  end
  local dir = M.tempdir()
  local script_file, port_file = dir .. '/script.json', dir .. '/port'
  M.write_file(script_file, vim.fn.json_encode(script))
  local output = {}
  local job = vim.fn.jobstart({ M.fake_endpoint, '--port', '0', '--port-file', port_file,
    '--script', script_file }, {
    on_stderr = function(_, data)
      vim.list_extend(output, data)
    end,
  })
  M.truthy(job > 0, 'flint-fake-endpoint starts')
  M.defer(function()
    vim.fn.jobstop(job)
  end)
  local port
  M.wait_for('the endpoint port file', function()
    port = tonumber(M.read_file(port_file) or '')
    return port ~= nil
  end)
  local endpoint = { port = port, base_url = 'http://127.0.0.1:' .. port .. '/v1', stderr = output }
  function endpoint.set_script(new_script)
    local status = http(port, 'POST', '/_flint/script', vim.fn.json_encode(new_script))
    M.eq(200, status, 'POST /_flint/script status')
  end
  function endpoint.requests()
    local status, body = http(port, 'GET', '/_flint/requests')
    M.eq(200, status, 'GET /_flint/requests status')
    return vim.fn.json_decode(body)
  end
  return endpoint
end

--- A port on 127.0.0.1 where nothing listens (bound, then closed).
function M.dead_port()
  local tcp = uv.new_tcp()
  tcp:bind('127.0.0.1', 0)
  local port = tcp:getsockname().port
  tcp:close()
  return port
end

------------------------------------------------------------------------------------------
-- The plugin under test.

M.notifications = {}

--- Records vim.notify calls in M.notifications ({ message, level }) and echoes them.
function M.capture_notifications()
  vim.notify = function(message, level)
    table.insert(M.notifications, { message = message, level = level })
    log('  notify[' .. tostring(level) .. ']: ' .. tostring(message))
  end
end

--- Starts the plugin: setup() with flint-lsp, a log file, `root` as the workspace and
--- `settings` (defaults: the fast model at `endpoint`).
function M.setup_flint(args)
  if os.getenv('FLINT_TEST_RPC_LOG') then
    -- Every message between Neovim and flint-lsp, in Neovim's LSP log (vim.lsp.get_log_path()).
    vim.lsp.set_log_level('trace')
  end
  if vim.fn.executable(M.flint_lsp) ~= 1 then
    M.fail('flint-lsp not built: ' .. M.flint_lsp)
  end
  M.flint_log = args.root .. '/.flint-lsp.log'
  local settings = args.settings or {
    models = {
      fast = { provider = 'openai-chat', baseUrl = args.base_url, model = 'fake-fast' },
      agent = { provider = 'openai-chat', baseUrl = args.base_url, model = 'fake-agent' },
    },
  }
  local options = vim.tbl_extend('force', {
    cmd = { M.flint_lsp, '--log-file', M.flint_log,
      '--log-level', os.getenv('FLINT_TEST_LOG_LEVEL') or 'debug' },
    root_dir = args.root,
    settings = settings,
    confirm_agent_edits = false,
    notify_results = true,
  }, args.options or {})
  require('flint').setup(options)
  M.model_undo_sync()
end

--- Neovim closes the undo block between two events of its main loop (each streamed edit
--- would be its own undo step but for the plugin's :undojoin); a test waiting in vim.wait()
--- runs no main loop, so the block is closed here before each edit flint applies, as the
--- main loop would. test_undo_main_loop.lua checks the real thing.
function M.model_undo_sync()
  local sessions = require('flint.sessions')
  if sessions._undo_sync_modelled then
    return
  end
  sessions._undo_sync_modelled = true
  local before_apply = sessions.before_apply
  sessions._undo_sync_original = before_apply
  sessions.before_apply = function(bufnr)
    vim.api.nvim_buf_call(bufnr, function()
      vim.o.undolevels = vim.o.undolevels
    end)
    return before_apply(bufnr)
  end
end

--- Opens `path`, waits until flint's client is attached and initialized; returns bufnr, client.
function M.open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local client
  M.wait_for('flint to attach to ' .. path, function()
    client = require('flint.client').get(bufnr)
    return client and client.initialized
  end)
  return bufnr, client
end

--- Waits for the buffer's text to become `expected`.
function M.wait_text(bufnr, expected, what)
  local ok = vim.wait(M.timeout_ms, function()
    return M.text(bufnr) == expected
  end, 10)
  if not ok then
    M.eq(expected, M.text(bufnr), (what or 'buffer text') .. ' (timed out)')
  end
end

--- Runs flint.inlineEdit through the plugin and waits for the session's result.
function M.edit_and_wait(args)
  local outcome
  require('flint').edit(vim.tbl_extend('force', args, {
    on_result = function(err, result)
      outcome = { err = err, result = result }
    end,
  }))
  M.wait_for('the inline edit to end', function()
    return outcome ~= nil
  end)
  return outcome.err, outcome.result
end

------------------------------------------------------------------------------------------

local function dump_logs()
  if M.flint_log then
    local text = M.read_file(M.flint_log)
    if text then
      local lines = vim.split(text, '\n')
      log('--- last lines of ' .. M.flint_log)
      for i = math.max(1, #lines - 60), #lines do
        log(lines[i])
      end
    end
  end
end

local test_name = '?'

--- Ends the test: runs the cleanups and exits Neovim with the outcome.
function M.finish(ok, err)
  if finished then
    return
  end
  finished = true
  for _, fn in ipairs(cleanups) do
    pcall(fn)
  end
  if ok then
    log(string.format('PASS %s (nvim %s)', test_name, M.nvim))
    vim.cmd('qall!')
  else
    log(string.format('FAIL %s (nvim %s): %s', test_name, M.nvim, err))
    dump_logs()
    vim.cmd('cquit 1')
  end
end

--- For tests that must run in Neovim's real main loop (not inside vim.wait): the script
--- returns, Neovim goes on processing events, and the test ends with M.finish(). Callbacks
--- must be wrapped with M.guard so that a failed assertion ends the test.
function M.continue_in_main_loop()
  continues_in_main_loop = true
end

function M.guard(fn)
  return function(...)
    local ok, err = xpcall(fn, debug.traceback, ...)
    if not ok then
      M.finish(false, err)
    end
  end
end

--- In the main loop: runs `fn` after `ms`, a failed assertion ending the test.
function M.after(ms, fn)
  vim.defer_fn(M.guard(fn), ms)
end

--- In the main loop: runs `fn` once `predicate()` holds (checked every 20 ms); fails the test
--- after M.timeout_ms.
function M.when(predicate, fn, deadline)
  deadline = deadline or (vim.loop.now() + M.timeout_ms)
  M.after(20, function()
    if predicate() then
      return fn()
    end
    if vim.loop.now() > deadline then
      error('timed out in the main loop')
    end
    M.when(predicate, fn, deadline)
  end)
end

--- Runs the test script `path` and exits Neovim with its outcome.
function M.run(path)
  local name = vim.fn.fnamemodify(path or '?', ':t:r')
  test_name = name
  local watchdog_s = tonumber(os.getenv('FLINT_TEST_TIMEOUT_S') or '') or 240
  local timer = uv.new_timer()
  timer:start(watchdog_s * 1000, 0, vim.schedule_wrap(function()
    M.finish(false, string.format('watchdog after %d s', watchdog_s))
  end))
  log(string.format('RUN  %s (nvim %s)', name, M.nvim))
  -- What -u NONE leaves out: filetype detection (flint attaches on FileType) and plugin/.
  vim.cmd('filetype on')
  vim.cmd('runtime! plugin/flint.lua')
  local ok, err = xpcall(function()
    assert(path and path ~= '', 'FLINT_TEST_SCRIPT is not set')
    dofile(path)
  end, debug.traceback)
  if ok and continues_in_main_loop then
    return
  end
  timer:stop()
  M.finish(ok, err)
end

return M
