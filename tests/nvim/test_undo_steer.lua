-- Steer then accept is one undo step, in Neovim's real main loop (which closes the undo block
-- between two events): one `u` after accepting a steered session returns to the text before
-- the session, whether the steer came while streaming or in review. (Undo in review and
-- after a reject: test_review_ui.lua; the same in a real terminal: run_tmux.sh.)
local h = require('helpers')
h.capture_notifications()

local original = 'def double(x):\n    return x * 2\n'
local first_answer = 'def double(x):\n    # first attempt, slow enough to steer\n'
  .. '    result = x + x\n    return result\n'
local review_answer = 'def double(x):\n    return x + x\n'
local steered_answer = 'def double(x: int) -> int:\n    return 2 * x\n'
local endpoint = h.start_endpoint({ rules = {
  { match = 'New instruction: type it',
    reply = { text = steered_answer, tokensPerSecond = 200 } },
  { match = 'Instruction: make it clearer',
    reply = { text = first_answer, tokensPerSecond = 10, firstTokenMs = 100 } },
  { match = 'Instruction: use addition',
    reply = { text = review_answer, tokensPerSecond = 200 } },
} })
local root = h.project({ ['double.py'] = original })
h.setup_flint({ root = root, base_url = endpoint.base_url })
local sessions = require('flint.sessions')
sessions.before_apply = sessions._undo_sync_original or sessions.before_apply
local bufnr = h.open(root .. '/double.py')
local flint = require('flint')

local after, when = h.after, h.when

local function latest()
  local list = flint.sessions()
  table.sort(list, function(a, b)
    return tostring(a.id) > tostring(b.id)
  end)
  return list[1]
end

local function accept_and_undo(what, done)
  flint.accept({ on_result = h.guard(function(err)
    h.eq(nil, err, what .. ': accept answered')
    vim.cmd('silent undo')
    h.eq(original, h.text(bufnr), what .. ': one undo returns to the text before the session')
    vim.cmd('silent redo')
    h.eq(steered_answer, h.text(bufnr), what .. ': redo brings the accepted text back')
    vim.cmd('silent undo')
    done()
  end) })
end

-- 1. Steer while streaming.
vim.api.nvim_win_set_cursor(0, { 2, 4 })
flint.edit({ instruction = 'make it clearer' })
when(function()
  local s = latest()
  return s and s.state == 'streaming' and h.text(bufnr) ~= original
end, function()
  flint.steer({ instruction = 'type it and use 2 * x' })
  when(function()
    local s = latest()
    return s.state == 'done' and h.text(bufnr) == steered_answer
  end, function()
    accept_and_undo('steer while streaming', function()
      -- 2. Steer in review.
      vim.api.nvim_win_set_cursor(0, { 2, 4 })
      flint.edit({ instruction = 'use addition' })
      when(function()
        local s = latest()
        return s.state == 'done' and h.text(bufnr) == review_answer
      end, function()
        flint.steer({ instruction = 'type it and use 2 * x' })
        when(function()
          local s = latest()
          return s.state == 'done' and h.text(bufnr) == steered_answer
        end, function()
          accept_and_undo('steer in review', function()
            h.finish(true)
          end)
        end)
      end)
    end)
  end)
end)
h.continue_in_main_loop()
