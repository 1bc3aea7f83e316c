-- The demo, run by scripts/demo in headless Neovim with the plugin on the runtimepath:
-- opens the sample project, asks flint for an inline edit and for an agent job, and prints
-- what happened: progress and status as they come, then the session's figures. The shell
-- script prints the diff that landed.
--
-- Environment: FLINT_DEMO_PROJECT (a copy of demo/sample-project), FLINT_LSP, and either
-- FLINT_DEMO_REAL=1 (flint-lsp reads FLINT_BASE_URL/FLINT_MODEL/FLINT_API_KEY itself) or
-- FLINT_FAKE_ENDPOINT + FLINT_DEMO_ANSWERS (the recorded answers, replayed on 127.0.0.1).
-- With FLINT_DEMO_EXPECTED (a folder), a replay also checks the files against it.
local uv = vim.loop or vim.uv

local project = assert(os.getenv('FLINT_DEMO_PROJECT'), 'FLINT_DEMO_PROJECT not set')
local real = os.getenv('FLINT_DEMO_REAL') == '1'
local edit_timeout_ms = real and 180000 or 60000
local job_timeout_ms = real and 900000 or 120000
local started = uv.hrtime()

local function out(text)
  io.stdout:write(text .. '\n')
  io.stdout:flush()
end

local function stamp(text)
  out(string.format('[%6.2f s] %s', (uv.hrtime() - started) / 1e9, text))
end

local function finish(code)
  vim.cmd(code == 0 and 'qall!' or 'cquit ' .. code)
end

local function fail(message)
  io.stderr:write('demo: ' .. message .. '\n')
  local log = io.open(project .. '/.flint-lsp.log', 'r')
  if log then
    io.stderr:write('demo: last lines of the flint-lsp log:\n')
    local lines = vim.split(log:read('*a'), '\n')
    log:close()
    for i = math.max(1, #lines - 30), #lines do
      io.stderr:write('  ' .. lines[i] .. '\n')
    end
  end
  finish(1)
  error(message)
end

local function wait(what, timeout_ms, predicate)
  if not vim.wait(timeout_ms, predicate, 20) then
    fail('timed out waiting for ' .. what)
  end
end

-- The loopback endpoint with the recorded answers.
local function start_endpoint()
  local binary = assert(os.getenv('FLINT_FAKE_ENDPOINT'), 'FLINT_FAKE_ENDPOINT not set')
  local answers = assert(os.getenv('FLINT_DEMO_ANSWERS'), 'FLINT_DEMO_ANSWERS not set')
  local port_file = vim.fn.tempname()
  local job = vim.fn.jobstart({
    binary, '--port', '0', '--port-file', port_file, '--script', answers,
  })
  if job <= 0 then
    fail('cannot start ' .. binary)
  end
  local port
  wait('the loopback endpoint', 10000, function()
    local file = io.open(port_file, 'r')
    port = file and tonumber(file:read('*a'))
    if file then
      file:close()
    end
    return port ~= nil
  end)
  return 'http://127.0.0.1:' .. port .. '/v1'
end

local settings = vim.empty_dict()
if not real then
  local base_url = start_endpoint()
  settings = {
    models = { fast = { provider = 'openai-chat', baseUrl = base_url, model = 'recorded' } },
  }
end

vim.notify = function(message, level)
  if level == nil or level >= vim.log.levels.INFO then
    stamp(tostring(message))
  end
end

vim.cmd('filetype on')
vim.cmd('runtime! plugin/flint.lua')
local flint = require('flint')
flint.setup({
  cmd = { assert(os.getenv('FLINT_LSP'), 'FLINT_LSP not set'), '--log-file',
    project .. '/.flint-lsp.log', '--log-level', 'debug' },
  root_dir = project,
  settings = settings,
  confirm_agent_edits = false,
  notify_results = false,
})

-- Progress and status lines as they change.
local last_status, seen_progress = '', 0
local function report_progress()
  local messages = flint.progress_messages()
  for i = seen_progress + 1, #messages do
    local m = messages[i]
    local parts = { 'progress', m.kind }
    if m.title then
      table.insert(parts, '"' .. m.title .. '"')
    end
    if m.percentage then
      table.insert(parts, m.percentage .. '%')
    end
    if m.message then
      table.insert(parts, m.message)
    end
    stamp(table.concat(parts, ' '))
  end
  seen_progress = #messages
  local status = flint.status()
  if status ~= last_status then
    stamp('statusline: ' .. (status == '' and '(idle)' or status))
    last_status = status
  end
end
vim.api.nvim_create_autocmd('User', { pattern = 'FlintStatus', callback = report_progress })

-- 1. Inline edit at the cursor.
vim.cmd('edit ' .. vim.fn.fnameescape(project .. '/inventory.py'))
wait('flint-lsp to start', 30000, function()
  local client = require('flint.client').get(0)
  return client and client.initialized
end)
vim.fn.search('total = total')
local instruction = 'use sum() with a generator expression and add a docstring'
stamp(string.format('inline edit in inventory.py line %d: "%s"', vim.fn.line('.'), instruction))
local outcome
flint.edit({ instruction = instruction, on_result = function(err, result)
  outcome = { err = err, result = result }
end })
wait('the inline edit', edit_timeout_ms, function()
  return outcome ~= nil
end)
if outcome.err or type(outcome.result) ~= 'table' or outcome.result.state ~= 'done' then
  fail('the inline edit did not finish: ' .. vim.inspect(outcome))
end
flint.accept()
wait('accept', 10000, function()
  local sessions = flint.sessions()
  return sessions[1] and sessions[1].state == 'accepted'
end)
vim.cmd('silent write')
report_progress()

-- 2. An agent job across files.
local task = 'rename total_value to stock_value in every file of the project'
stamp('agent job: "' .. task .. '"')
local job_id
flint.agent({ instruction = task, on_result = function(err, result)
  if err then
    fail('the agent job was refused: ' .. tostring(err.message))
  end
  job_id = result.jobId
end })
wait('the agent job to start', 30000, function()
  return job_id ~= nil
end)
local job
wait('the agent job', job_timeout_ms, function()
  for _, j in ipairs(flint.jobs()) do
    local final = j.state == 'done' or j.state == 'failed' or j.state == 'cancelled'
    if j.jobId == job_id and final then
      job = j
      return true
    end
  end
end)
report_progress()
if job.state ~= 'done' then
  fail('the agent job ended ' .. job.state .. ': ' .. tostring(job.summary or job.message))
end
vim.cmd('silent wall')

-- 3. The figures.
local stats = outcome.result.stats or {}
local rate = require('flint.sessions').tokens_per_second(stats)
local function ms(value)
  return type(value) == 'number' and string.format('%.0f ms', value) or '-'
end
out('')
out('== inline edit session')
out('  time to first edit   ' .. ms(stats.firstEditMs))
out('  time to first token  ' .. ms(stats.firstTokenMs))
out(string.format('  tokens               %s%s', tostring(stats.tokens),
  rate and string.format(' (%.0f tokens/s)', rate) or ''))
out('  edits sent           ' .. tostring(stats.edits))
out('  duration             ' .. ms(stats.durationMs))
out('== agent job ' .. tostring(job.jobId) .. ': ' .. job.state
  .. (job.summary and (' - ' .. job.summary) or ''))

-- 4. A replay must land exactly the recorded result.
local expected_dir = os.getenv('FLINT_DEMO_EXPECTED')
if not real and expected_dir and expected_dir ~= '' then
  for _, name in ipairs(vim.fn.readdir(expected_dir)) do
    local want = table.concat(vim.fn.readfile(expected_dir .. '/' .. name, 'b'), '\n')
    local got = table.concat(vim.fn.readfile(project .. '/' .. name, 'b'), '\n')
    if want ~= got then
      fail(name .. ' differs from the recorded result in ' .. expected_dir)
    end
  end
  out('== the replay matches the recorded result')
end
finish(0)
