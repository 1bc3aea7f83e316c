-- Two edits in one file, both in review: :FlintReject with the cursor in the older one rejects
-- the older (not the latest), and :FlintAccept in the newer accepts the newer.
local h = require('helpers')
h.capture_notifications()

local original = table.concat({
  'def area(r):',
  '    return 3.14 * r * r',
  '',
  '',
  'def perimeter(r):',
  '    return 2 * 3.14 * r',
  '',
}, '\n')
local new_area = 'def area(r):\n    return math.pi * r ** 2\n'
local new_perimeter = 'def perimeter(r):\n    return math.tau * r\n'

local endpoint = h.start_endpoint({ rules = {
  { match = 'Instruction: square', reply = { text = new_area, tokensPerSecond = 2000 } },
  { match = 'Instruction: tau', reply = { text = new_perimeter, tokensPerSecond = 2000 } },
} })
local root = h.project({ ['shapes.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/shapes.py')
local flint = require('flint')

local function edit_at(row, instruction)
  vim.api.nvim_win_set_cursor(0, { row, 4 })
  local err, result = h.edit_and_wait({ instruction = instruction })
  h.eq(nil, err, 'edit ' .. instruction)
  h.eq('done', result.state, instruction .. ' state (' .. tostring(result.reason) .. ')')
  return result.sessionId
end

local first = edit_at(2, 'square')
local second = edit_at(6, 'tau')
h.truthy(first ~= second, 'two sessions')
local both = original:gsub('    return 3%.14 %* r %* r\n', '    return math.pi * r ** 2\n')
both = both:gsub('    return 2 %* 3%.14 %* r\n', '    return math.tau * r\n')
h.eq(both, h.text(bufnr), 'both edits landed')

-- In the older session's region.
vim.api.nvim_win_set_cursor(0, { 2, 6 })
vim.cmd('FlintReject')
local only_second = original:gsub('    return 2 %* 3%.14 %* r\n', '    return math.tau * r\n')
h.wait_text(bufnr, only_second, 'the older edit is rejected, the newer kept')

-- In the newer one's.
vim.api.nvim_win_set_cursor(0, { 6, 6 })
vim.cmd('FlintAccept')
h.wait_for('the newer session to be accepted', function()
  for _, s in ipairs(flint.sessions()) do
    if s.id == second then
      return s.state == 'accepted'
    end
  end
  return false
end)
h.eq(only_second, h.text(bufnr), 'accepting changed nothing')
