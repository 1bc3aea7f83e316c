-- Undo grouping as it happens for a person: the stream is applied by Neovim's own main loop
-- (which closes the undo block between two events), not inside vim.wait(). The whole session
-- must be one undo step, the rejection another.
local h = require('helpers')
h.capture_notifications()

local original = 'def area(r):\n    return 3.14 * r * r\n'
local new_area =
  'def area(r):\n    """Area of a circle of radius r."""\n    return math.pi * r * r\n'
local endpoint = h.start_endpoint({ rules = { {
  match = 'Instruction: use pi',
  reply = { text = new_area, tokensPerSecond = 100 },
} } })
local root = h.project({ ['app.py'] = original })
-- No model_undo_sync here: the real main loop does it.
h.setup_flint({ root = root, base_url = endpoint.base_url })
require('flint.sessions').before_apply = require('flint.sessions')._undo_sync_original
  or require('flint.sessions').before_apply
local bufnr = h.open(root .. '/app.py')
local flint = require('flint')

vim.api.nvim_win_set_cursor(0, { 2, 4 })
local first_seq = vim.fn.undotree().seq_last

local after, when = h.after, h.when

flint.edit({ instruction = 'use pi', on_result = h.guard(function(err, result)
  h.eq(nil, err, 'no error')
  h.eq('done', result.state, 'session state')
  h.truthy(result.stats.edits >= 2, 'several streamed edits (got ' .. result.stats.edits .. ')')
  h.eq(new_area, h.text(bufnr), 'the edit landed')
  h.eq(first_seq + 1, vim.fn.undotree().seq_last, 'the whole session added one undo step')
  flint.reject({ on_result = h.guard(function()
    when(function()
      return h.text(bufnr) == original
    end, function()
      h.eq(first_seq + 2, vim.fn.undotree().seq_last, 'the rejection is one more undo step')
      vim.cmd('silent undo')
      h.eq(new_area, h.text(bufnr), 'undo of the rejection brings the edit back')
      vim.cmd('silent undo')
      h.eq(original, h.text(bufnr), 'one more undo removes the whole session')
      h.finish(true)
    end)
  end) })
end) })
h.continue_in_main_loop()
