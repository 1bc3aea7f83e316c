-- :'<,'>FlintEdit on a visual selection: only the selected statements are rewritten, the
-- rest of the function stays as it was.
local h = require('helpers')
h.capture_notifications()

local original = table.concat({
  'def greet(name):',
  '    greeting = "hello " + name',
  '    print(greeting)',
  '    return greeting',
  '',
}, '\n')
local selected_new = '    greeting = f"hello {name}"\n    print(greeting, flush=True)\n'
local expected = table.concat({
  'def greet(name):',
  '    greeting = f"hello {name}"',
  '    print(greeting, flush=True)',
  '    return greeting',
  '',
}, '\n')

local endpoint = h.start_endpoint({ rules = { {
  match = 'Instruction: use an f-string',
  reply = { text = selected_new, tokensPerSecond = 300 },
} } })
local root = h.project({ ['greet.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/greet.py')

-- Select lines 2-3 the way a person does, then run the command on the selection.
vim.api.nvim_win_set_cursor(0, { 2, 4 })
vim.api.nvim_feedkeys('Vj', 'nx', false)
vim.api.nvim_feedkeys(':FlintEdit use an f-string and flush\r', 'nx', false)

local session
h.wait_for('the session to finish', function()
  session = require('flint').sessions()[1]
  return session and session.result ~= nil
end)
h.eq('done', session.result.state, 'session state')
h.eq(expected, h.text(bufnr), 'only the selection was rewritten')
h.eq(1, session.region.start.line, 'the region starts at the first selected line')
local region_end = session.region['end']
h.truthy(region_end.line < 3 or (region_end.line == 3 and region_end.character == 0),
  'the region ends with the selection: ' .. vim.inspect(region_end))
vim.cmd('FlintAccept')
h.wait_for('accept', function()
  return require('flint').sessions()[1].state == 'accepted'
end)
