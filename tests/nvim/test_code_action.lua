-- flint's code actions through Neovim's own code action menu: "flint: Document" streams the
-- edit its preset describes; "flint: Edit with instruction…" (flint.promptEdit, run by the
-- plugin) asks for the instruction, then streams it. On 0.7 the selection goes through
-- vim.lsp.buf.range_code_action(), on later versions through code_action({ range }).
local h = require('helpers')
h.capture_notifications()

local original = table.concat({
  'def mean(values):',
  '    return sum(values) / len(values)',
  '',
  '',
  'def unused():',
  '    pass',
  '',
}, '\n')
local documented = 'def mean(values):\n'
  .. '    """The arithmetic mean of values; ZeroDivisionError when empty."""\n'
  .. '    return sum(values) / len(values)\n'
local raising = 'def unused():\n    raise NotImplementedError("unused")\n'

local endpoint = h.start_endpoint({ rules = {
  { match = 'Instruction: Document this code', reply = { text = documented, tokensPerSecond = 300 } },
  { match = 'Instruction: raise instead of pass', reply = { text = raising, tokensPerSecond = 300 } },
} })
local root = h.project({ ['stats.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local bufnr = h.open(root .. '/stats.py')
local flint = require('flint')

-- The menu: pick the entry with `title`, remember what was offered.
local offered
local function choose(title)
  vim.ui.select = function(items, opts, on_choice)
    offered = {}
    for index, item in ipairs(items) do
      local label = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(offered, label)
      if label:find(title, 1, true) then
        return on_choice(item, index)
      end
    end
    on_choice(nil, nil)
  end
end

local function session_count()
  return #flint.sessions()
end

local function wait_session_done(count)
  local session
  h.wait_for('code action session ' .. count .. ' to finish', function()
    local list = flint.sessions()
    session = list[count]
    return #list >= count and session.result ~= nil
  end)
  h.eq('done', session.result.state, 'code action session state (' .. tostring(session.result.reason) .. ')')
  flint.accept({ sessionId = session.id })
  h.wait_for('accept', function()
    return flint.sessions()[count].state == 'accepted'
  end)
end

-- 1. At the cursor, the "Document" preset.
vim.api.nvim_win_set_cursor(0, { 2, 8 })
choose('flint: Document')
vim.lsp.buf.code_action()
h.wait_for('the code action menu', function()
  return offered ~= nil
end)
h.truthy(vim.tbl_contains(offered, 'flint: Document') or table.concat(offered, '|'):find('flint: Document', 1, true),
  'flint: Document is offered: ' .. vim.inspect(offered))
wait_session_done(1)
local expected = original:gsub('^def mean.-len%(values%)\n', function()
  return documented
end)
h.eq(expected, h.text(bufnr), 'the Document preset streamed its edit')

-- 2. On a selection, the prompting preset.
offered = nil
local asked
vim.ui.input = function(opts, on_confirm)
  asked = opts.prompt
  on_confirm('raise instead of pass')
end
choose('Edit with instruction')
local row = vim.fn.search('^def unused')
if vim.lsp.buf.range_code_action and vim.fn.has('nvim-0.9') == 0 then
  vim.lsp.buf.range_code_action(nil, { row, 0 }, { row + 1, 7 })
else
  vim.lsp.buf.code_action({ range = { start = { row, 0 }, ['end'] = { row + 1, 7 } } })
end
h.wait_for('the prompt for an instruction', function()
  return asked ~= nil
end)
h.contains(asked:lower(), 'instruction', 'the prompt says what it asks for')
wait_session_done(2)
h.eq(expected:gsub('def unused%(%):\n    pass\n', function()
  return raising
end), h.text(bufnr), 'the instruction typed at the prompt streamed its edit')
h.eq(2, session_count(), 'two sessions')
