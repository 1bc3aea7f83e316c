-- flint.message: one line on screen whatever the text, never a hit-enter prompt. A message that
-- fits v:echospace is echoed whole into :messages; a longer one, or one with details on more
-- lines, shows cut to one line and goes whole into :messages; a vim.notify replacement
-- (nvim-notify, fidget, noice) gets the whole text instead.
local h = require('helpers')
local message = require('flint.message')

vim.o.cmdheight = 1
vim.o.columns = 60
h.truthy(message.builtin_notify(), 'vim.notify is the builtin here')

local echoes = {}
local real_echo = vim.api.nvim_echo
vim.api.nvim_echo = function(chunks, history, opts)
  table.insert(echoes, { chunks = chunks, history = history })
  return real_echo(chunks, history, opts)
end
local function shown(i)
  local chunks = echoes[i].chunks
  h.eq(1, #chunks, 'one chunk')
  return chunks[1][1]
end
local function messages()
  return vim.fn.execute('messages')
end
local width = message.width()
h.truthy(width <= 60 - 10 and width >= 10, 'echospace-based width at 60 columns: ' .. width)

-- Short: whole, in the history.
message.show('flint: edit ready', vim.log.levels.INFO)
h.eq(1, #echoes, 'one echo')
h.eq('flint: edit ready', shown(1), 'a short message is shown whole')
h.eq(true, echoes[1].history, 'and kept in :messages')

-- The "flint: " prefix is added once.
message.show('no job to cancel', vim.log.levels.WARN)
h.eq('flint: no job to cancel', shown(2), 'prefixed')

-- Long single line: cut on screen, whole in :messages.
local long = 'flint: edit refused: ' .. string.rep('the region is far too long to fit ', 6)
message.show(long, vim.log.levels.ERROR)
h.eq(3, #echoes, 'one echo for the long message')
local line = shown(3)
h.truthy(not line:find('\n', 1, true), 'the shown text is one line')
h.truthy(vim.fn.strdisplaywidth(line) <= width, 'it fits the echo space: ' .. line)
h.truthy(line:find('…', 1, true), 'and says it was cut')
h.eq(false, echoes[3].history, 'the cut line stays out of :messages')
h.contains(messages(), long, 'the whole text is in :messages')

-- A model's answer of several lines: never echoed whole.
local answer = 'I looked at the code.\nIt is fine as it is.\nNo change needed.\n- one\n- two\n- three\n- four'
message.show('flint: job 3 done', vim.log.levels.INFO, answer)
h.eq(4, #echoes, 'one echo for the message with details')
line = shown(4)
h.truthy(not line:find('\n', 1, true), 'one line on screen')
h.truthy(vim.fn.strdisplaywidth(line) <= width, 'that fits: ' .. line)
h.contains(line, 'flint: job 3 done', 'the summary is what shows')
h.contains(line, ':messages', 'pointing at :messages for the rest')
for _, part in ipairs(vim.split(answer, '\n', { plain = true })) do
  h.contains(messages(), part, 'every line of the details is in :messages')
end

-- Narrower still: every shown line fits.
vim.o.columns = 40
message.show('flint: edit failed: the model answered no code at all this time', vim.log.levels.WARN)
line = shown(5)
h.truthy(vim.fn.strdisplaywidth(line) <= message.width(), 'fits at 40 columns: ' .. line)

-- From a libuv callback (a fast event): deferred, not an error.
local done = false
local timer = (vim.loop or vim.uv).new_timer()
timer:start(1, 0, function()
  message.show('flint: from a fast event')
  done = true
end)
h.wait_for('the timer', function()
  return done and #echoes == 6
end)
h.eq('flint: from a fast event', shown(6), 'shown after the fast event')
timer:close()

-- A vim.notify replacement gets the whole text, details included, and nothing is echoed.
local got = {}
vim.notify = function(text, level)
  table.insert(got, { text = text, level = level })
end
h.eq(false, message.builtin_notify(), 'a replaced vim.notify is recognised')
message.show('flint: job 3 done', vim.log.levels.INFO, answer)
h.eq(6, #echoes, 'nothing echoed when vim.notify is replaced')
h.eq({ { text = 'flint: job 3 done\n' .. answer, level = vim.log.levels.INFO } }, got,
  'the replacement gets the whole text')
