-- setup({ settings }) reaches flint (initializationOptions and workspace/configuration):
-- the model named there is the one asked; set_settings() switches it at run time.
local h = require('helpers')
h.capture_notifications()

local original = 'def f(x):\n    return x + 1\n'
local answer = 'def f(x):\n    return x + 2\n'
local endpoint = h.start_endpoint({ rules = { {
  match = 'Instruction: add two',
  reply = { text = answer, tokensPerSecond = 500 },
}, {
  match = 'Instruction: add three',
  reply = { text = 'def f(x):\n    return x + 3\n', tokensPerSecond = 500 },
} } })
local root = h.project({ ['f.py'] = original })
h.setup_flint({
  root = root,
  base_url = endpoint.base_url,
  settings = { models = { fast = {
    provider = 'openai-chat', baseUrl = endpoint.base_url, model = 'model-from-setup',
  } } },
})
local bufnr = h.open(root .. '/f.py')
local flint = require('flint')

vim.api.nvim_win_set_cursor(0, { 2, 4 })
local err, result = h.edit_and_wait({ instruction = 'add two' })
h.eq(nil, err, 'no error')
h.eq('done', result.state, 'first session')
h.eq(answer, h.text(bufnr), 'first edit landed')
local requests = endpoint.requests()
h.contains(vim.fn.json_encode(requests[#requests]), 'model-from-setup',
  'the model from setup() was asked')
flint.accept()
h.wait_for('accept', function()
  return flint.sessions()[1].state == 'accepted'
end)

flint.set_settings({ models = { fast = {
  provider = 'openai-chat', baseUrl = endpoint.base_url, model = 'model-switched-later',
} } })
-- flint may pull workspace/configuration after the notification: allow a few attempts.
local switched = false
for _ = 1, 5 do
  local second_err, second = h.edit_and_wait({ instruction = 'add three' })
  h.eq(nil, second_err, 'no error after the switch')
  h.eq('done', second.state, 'session after the switch')
  local list = endpoint.requests()
  if vim.fn.json_encode(list[#list]):find('model-switched-later', 1, true) then
    switched = true
    break
  end
  flint.reject()
  h.wait_text(bufnr, answer, 'reject before trying again')
  h.sleep(500)
end
h.truthy(switched, 'set_settings() switched the model flint asks')
h.eq('def f(x):\n    return x + 3\n', h.text(bufnr), 'second edit landed')
