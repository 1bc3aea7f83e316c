-- :checkhealth flint runs `flint-lsp check --json --settings -` with the plugin's own settings
-- and reports one line per model role: OK for a role whose endpoint answers, ERROR with the
-- server's fix as advice for one that does not; and the server's path and version.
local h = require('helpers')
h.capture_notifications()

local endpoint = h.start_endpoint({ default = { text = 'ok' } })
local root = h.project({ ['f.py'] = 'x = 1\n' })
h.setup_flint({ root = root, base_url = endpoint.base_url })

--- The text of the :checkhealth flint report.
local function checkhealth()
  vim.cmd('checkhealth flint')
  local bufnr = vim.api.nvim_get_current_buf()
  local text = h.text(bufnr)
  h.log(text)
  vim.cmd('bwipeout! ' .. bufnr)
  return text
end

--- The report's line that holds `needle`.
local function line_with(text, needle)
  for _, line in ipairs(vim.split(text, '\n')) do
    if line:find(needle, 1, true) then
      return line
    end
  end
  h.fail(('no line of the report holds %q:\n%s'):format(needle, text))
end

-- Both roles at a working endpoint.
local good = checkhealth()
h.contains(line_with(good, 'server: '), 'flint-lsp 0.1.0', 'the server line names its version')
h.contains(line_with(good, 'server: '), h.flint_lsp, 'and its path')
local fast = line_with(good, 'fast model: fake-fast at ' .. endpoint.base_url)
h.contains(fast, 'OK', 'the fast role works')
h.contains(line_with(good, 'agent model: fake-agent at ' .. endpoint.base_url), 'OK',
  'the agent role works')
h.truthy(not good:find('ERROR', 1, true), 'no error in the good report')
h.truthy(#endpoint.requests() >= 1, 'the endpoint was asked')

-- The fast role at a port where nothing listens, the agent at an endpoint that refuses its
-- key: each an error with flint-lsp's own fix as advice, and the key shown nowhere.
local dead_url = 'http://127.0.0.1:' .. h.dead_port() .. '/v1'
local refusing = h.start_endpoint({ default = { status = 401 } })
local key = 'sk-flint-test-key-0123456789'
local settings = { models = {
  fast = { provider = 'openai-chat', baseUrl = dead_url, model = 'fake-fast' },
  agent = { provider = 'openai-chat', baseUrl = refusing.base_url, model = 'fake-agent',
    apiKey = key },
} }
require('flint').set_settings(settings)
local expected = vim.fn.json_decode(vim.fn.system({ h.flint_lsp, 'check', '--json', '--settings',
  '-' }, vim.fn.json_encode(settings)))
h.eq(1, vim.v.shell_error, 'flint-lsp check exits 1 when a role fails')
local fixes = {}
for _, role in ipairs(expected.roles) do
  h.eq(false, role.ok, 'flint-lsp check: the ' .. role.role .. ' role fails')
  h.truthy(type(role.fix) == 'string' and role.fix ~= '', 'flint-lsp check gives a fix')
  fixes[role.role] = role.fix
end

local bad = checkhealth()
h.contains(line_with(bad, 'fast model: fake-fast at ' .. dead_url), 'ERROR', 'the fast role fails')
h.contains(bad, fixes.fast, "the fast role's fix is the advice")
local refused = line_with(bad, 'agent model: fake-agent at ' .. refusing.base_url)
h.contains(refused, 'ERROR', 'the agent role fails')
h.contains(refused, '401', 'with the status')
h.contains(bad, fixes.agent, "the agent role's fix is the advice")
h.truthy(not bad:find(key, 1, true), 'the API key is not shown')
