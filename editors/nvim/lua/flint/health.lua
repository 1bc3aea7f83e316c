-- :checkhealth flint: the Neovim features in use, the server found (and its version), each
-- model role tried by `flint-lsp check` with the plugin's own settings, the running clients.
local M = {}

-- Seconds `flint-lsp check` gives each role's request (its --timeout).
M.check_timeout_s = 10

--- A finished process: its exit code (-1: timed out, -2: did not start) and output.
---@class flint.HealthRun
---@field code integer
---@field stdout string
---@field stderr string

--- Runs `argv` with `input` on stdin and `env` added to the environment, waiting at most
--- `timeout_ms` (jobstart/jobwait: the same on Neovim 0.7 and 0.10).
---@param argv string[]
---@param input string|nil
---@param env table<string, string>|nil
---@param timeout_ms integer
---@return flint.HealthRun
function M.run(argv, input, env, timeout_ms)
  local stdout, stderr = {}, {}
  local ok, job = pcall(vim.fn.jobstart, argv, {
    env = env,
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data)
      stdout = data or {}
    end,
    on_stderr = function(_, data)
      stderr = data or {}
    end,
  })
  if not ok or type(job) ~= 'number' or job <= 0 then
    return { code = -2, stdout = '', stderr = ok and ('cannot run ' .. argv[1]) or tostring(job) }
  end
  if input then
    vim.fn.chansend(job, input)
  end
  vim.fn.chanclose(job, 'stdin')
  local code = vim.fn.jobwait({ job }, timeout_ms)[1]
  if code == -1 then
    vim.fn.jobstop(job)
  end
  return { code = code, stdout = table.concat(stdout, '\n'), stderr = table.concat(stderr, '\n') }
end

-- JSON encodes an empty Lua table as [], but flint's settings are an object.
local function settings_json(settings)
  if type(settings) ~= 'table' or next(settings) == nil then
    return '{}'
  end
  return vim.fn.json_encode(settings)
end

--- The `--config FILE` of the server's argv, passed on to `flint-lsp check`.
---@param cmd string[]
---@return string[]
local function config_args(cmd)
  for i = 2, #cmd do
    if cmd[i] == '--config' and cmd[i + 1] then
      return { '--config', cmd[i + 1] }
    end
    local file = type(cmd[i]) == 'string' and cmd[i]:match('^%-%-config=(.+)$')
    if file then
      return { '--config', file }
    end
  end
  return {}
end

--- `flint-lsp check --json --settings -` with the plugin's settings on stdin: the decoded
--- report, or nil and why it could not be had.
---@param program string
---@param cmd string[]
---@param options flint.Options
---@return table|nil report
---@return string|nil error
function M.check_report(program, cmd, options)
  local argv = { program, 'check', '--json', '--settings', '-',
    '--timeout', tostring(M.check_timeout_s) }
  vim.list_extend(argv, config_args(cmd))
  local result = M.run(argv, settings_json(options.settings), options.cmd_env,
    (M.check_timeout_s * 2 + 10) * 1000)
  if result.code == -1 then
    return nil, 'flint-lsp check did not finish in time'
  end
  local ok, report = pcall(vim.fn.json_decode, vim.trim(result.stdout))
  if not ok then -- one JSON object, perhaps among other lines
    ok, report = pcall(vim.fn.json_decode, result.stdout:match('^.-(%b{})') or '')
  end
  if ok and type(report) == 'table' and type(report.roles) == 'table' then
    return report, nil
  end
  local said = vim.trim(result.stderr ~= '' and result.stderr or result.stdout)
  return nil, ('flint-lsp check failed (exit %d)%s'):format(result.code,
    said ~= '' and (': ' .. vim.split(said, '\n')[1]) or '')
end

--- The first line of `flint-lsp --version`, or nil.
---@param program string
---@param env table<string, string>|nil
---@return string|nil
local function server_version(program, env)
  local result = M.run({ program, '--version' }, nil, env, 5000)
  local line = vim.trim(vim.split(result.stdout, '\n')[1] or '')
  if result.code == 0 and line ~= '' then
    return line
  end
  return nil
end

local function str(value)
  if value == nil or value == vim.NIL then
    return '?'
  end
  return tostring(value)
end

--- One health line per model role of `report`, and the settings errors.
---@param health flint.Health
---@param report table
local function report_roles(health, report)
  if type(report.settingsSources) == 'table' and #report.settingsSources > 0 then
    health.info('settings read from: ' .. table.concat(vim.tbl_map(str, report.settingsSources), ', '))
  end
  for _, problem in ipairs(type(report.settingsErrors) == 'table' and report.settingsErrors or {}) do
    health.error('settings: ' .. str(problem),
      { 'fix setup({ settings = ... }) or the --config file; see :help flint-providers' })
  end
  for _, role in ipairs(report.roles) do
    local line = ('%s model: %s at %s (%s): %s'):format(str(role.role), str(role.model),
      str(role.baseUrl), str(role.provider), str(role.message))
    if role.ok == true then
      health.ok(line)
    else
      local advice = {}
      if type(role.fix) == 'string' and role.fix ~= '' then
        table.insert(advice, role.fix)
      end
      table.insert(advice, 'settings.models.' .. str(role.role)
        .. ' in setup(); examples in :help flint-providers')
      health.error(line, advice)
    end
  end
  if #report.roles == 0 and report.ok ~= true then
    health.error('flint-lsp check reports no model role', { 'see :help flint-providers' })
  end
end

--- What the plugin's settings say of the fast model, when flint-lsp cannot be asked.
---@param health flint.Health
---@param settings table
local function report_settings(health, settings)
  local fast = ((settings or {}).models or {}).fast
  if type(fast) == 'table' and fast.baseUrl and fast.model then
    health.info(string.format('fast model (not tried): %s at %s', fast.model, fast.baseUrl))
  elseif vim.env.FLINT_BASE_URL and vim.env.FLINT_MODEL then
    health.info(string.format('fast model from the environment (not tried): %s at %s',
      vim.env.FLINT_MODEL, vim.env.FLINT_BASE_URL))
  else
    health.warn('no fast model configured', {
      'set settings.models.fast = { provider, baseUrl, model }; examples in :help flint-providers',
      'or export FLINT_BASE_URL and FLINT_MODEL',
    })
  end
end

--- Reports the Neovim features, the server, each model role and the running clients.
function M.check()
  local compat = require('flint.compat')
  local config = require('flint.config')
  local health = compat.health()
  local options = config.options
  health.start('flint')

  local version = vim.version()
  health.info(string.format(
    'Neovim %d.%d.%d: vim.lsp.start %s, LspProgress %s, inline completion %s',
    version.major, version.minor, version.patch,
    compat.has_lsp_start and 'yes' or 'no (vim.lsp.start_client)',
    compat.has_lsp_progress_event and 'yes' or 'no ($/progress handler)',
    compat.inline_completion() and 'yes' or 'no'))

  local server = config.server_cmd()
  local program = server.found and vim.fn.exepath(server.cmd[1]) or nil
  if program == '' then
    program = server.cmd[1]
  end
  if program then
    local version_line = server_version(program, options.cmd_env)
    health.ok(('server: %s (from %s), %s'):format(program, server.where,
      version_line or 'its --version said nothing'))
  else
    local advice = {}
    if config.checkout then
      table.insert(advice, 'run ' .. config.checkout
        .. '/editors/nvim/build.sh: it builds flint-lsp or names what is missing')
    end
    table.insert(advice, "install flint-lsp's Debian package (flint-lsp_<version>_amd64.deb)")
    table.insert(advice, 'or pass setup({ cmd = { "/path/to/flint-lsp" } })')
    health.error('server not found: ' .. (#server.tried > 0 and table.concat(server.tried, ', ')
      or tostring(server.cmd[1])), advice)
  end

  health.start('flint: models (flint-lsp check with the plugin\'s settings)')
  if program then
    local report, problem = M.check_report(program, server.cmd, options)
    if report then
      report_roles(health, report)
    else
      health.warn(problem, {
        'a flint-lsp older than the check subcommand cannot try the models: update it',
        'run it yourself: flint-lsp check --settings FILE (the settings as JSON)',
      })
      report_settings(health, options.settings)
    end
  else
    report_settings(health, options.settings)
  end

  health.start('flint: clients')
  local clients = require('flint.client').all()
  if #clients == 0 then
    health.info('no flint client running (open a file of a configured filetype)')
  end
  for _, client in ipairs(clients) do
    health.ok(string.format('client %d: root %s, position encoding %s', client.id,
      tostring(client.config.root_dir), tostring(client.offset_encoding)))
  end
end

return M
