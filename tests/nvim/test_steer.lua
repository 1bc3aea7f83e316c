-- :FlintSteer redirects a streaming session: the session keeps its id and the buffer ends
-- with the answer to the new instruction, built from the original text.
local h = require('helpers')
h.capture_notifications()

local original = 'def double(x):\n    return x * 2\n'
local first_answer = 'def double(x):\n    # first attempt, slow enough to steer\n'
  .. '    result = x + x\n    return result\n'
local steered_answer = 'def double(x: int) -> int:\n    return 2 * x\n'

local endpoint = h.start_endpoint({ rules = {
  -- The steered request also repeats the first instruction: its rule comes first.
  { match = 'New instruction: type it',
    reply = { text = steered_answer, tokensPerSecond = 300 } },
  { match = 'Instruction: make it clearer',
    reply = { text = first_answer, tokensPerSecond = 10, firstTokenMs = 100 } },
} })
local root = h.project({ ['double.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/double.py')
local flint = require('flint')

vim.api.nvim_win_set_cursor(0, { 2, 4 })
vim.cmd('FlintEdit make it clearer')
h.wait_for('the first answer to start streaming', function()
  local session = flint.sessions()[1]
  return session and session.state == 'streaming' and h.text(bufnr) ~= original
end)
local id = flint.sessions()[1].id
vim.cmd('FlintSteer type it and use 2 * x')
local session
h.wait_for('the steered session to finish', function()
  session = flint.sessions()[1]
  return session.result ~= nil
end)
h.eq(1, #flint.sessions(), 'steering keeps one session')
h.eq(id, session.id, 'the steered session keeps its id')
h.eq('done', session.result.state, 'steered session state')
h.eq(steered_answer, h.text(bufnr), 'buffer holds the steered answer')
h.eq('flint: in review "type it and use 2 * x"', flint.status(bufnr),
  'the statusline names the steered instruction')
flint.accept()
h.wait_for('accept', function()
  return flint.sessions()[1].state == 'accepted'
end)
