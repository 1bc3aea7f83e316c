-- An agent job finishing while the person types: nothing takes their keys. The result waits
-- (state "ready") and is announced in one line; every typed key lands; no prompt comes in
-- insert mode, and the offer (vim.ui.select) comes only when idle in normal mode. The result is
-- reviewed as a diff and applied from the review buffer; a second job's result is discarded
-- and reported "discarded", not "failed". The job list shows no stale percentage.
local h = require('helpers')
local loop = require('main_loop')
h.capture_notifications()

local cart = table.concat({
  'def total(items):',
  '    return sum(price for _, price in items)',
  '',
}, '\n')

local function call(name, arguments, delay_ms)
  return { toolCalls = { { name = name, arguments = arguments } }, firstTokenMs = delay_ms or 50 }
end
local endpoint = h.start_endpoint({ rules = {
  {
    match = 'rename total to cart_total',
    replies = {
      call('read_file', { path = 'cart.py' }, 300),
      call('propose_edit', { path = 'cart.py', old_text = 'def total(items):',
        new_text = 'def cart_total(items):' }, 300),
      call('finish', { summary = 'renamed total' }),
    },
  },
  {
    match = 'document the function',
    replies = {
      call('propose_edit', { path = 'cart.py', old_text = '    return sum(',
        new_text = '    """The sum of the prices."""\n    return sum(' }),
      call('finish', { summary = 'added a docstring' }),
    },
  },
} })
local root = h.project({ ['cart.py'] = cart })
h.setup_flint({ root = root, base_url = endpoint.base_url,
  options = { confirm_agent_edits = true } })
local bufnr = h.open(root .. '/cart.py')
local flint = require('flint')
local jobs = require('flint.jobs')

-- Every vim.ui.select the plugin makes: { prompt, choices, answer(choice) }.
local selects = {}
vim.ui.select = function(choices, opts, on_choice)
  table.insert(selects, { prompt = opts and opts.prompt, choices = choices, answer = on_choice })
end

local function job(id)
  return jobs.by_id[id] or {}
end

local typed = {}
local function typed_line(i)
  return string.format('data_%02d = %d  # typed while the job runs', i, i)
end

loop.run(function()
  vim.cmd('FlintAgent rename total to cart_total')
  loop.wait_until('the job to run', function()
    return job('job-1').state == 'running'
  end)
  -- The person goes to the end of the file and types 16 lines, key by key, while the job ends.
  -- Python's indent rules would indent the typed lines under the function: typed as typed.
  vim.bo[bufnr].indentexpr = ''
  vim.bo[bufnr].autoindent = false
  vim.bo[bufnr].smartindent = false
  vim.api.nvim_win_set_cursor(0, { 2, 0 })
  vim.api.nvim_input('o')
  loop.wait_until('insert mode', function()
    return vim.api.nvim_get_mode().mode == 'i'
  end)
  -- Lines typed until the job is ready, then three more: the result arrives mid-typing.
  local ready_at_line, i = nil, 0
  while i < 60 and (not ready_at_line or i < ready_at_line + 3) do
    i = i + 1
    if i > 1 then
      loop.type_keys({ '<CR>' }, 3)
    end
    loop.type_keys(loop.chars(typed_line(i)), 3)
    table.insert(typed, typed_line(i))
    if not ready_at_line and job('job-1').state == 'ready' then
      ready_at_line = i
    end
  end
  h.truthy(ready_at_line, 'the job became ready while the person was typing')
  h.eq('i', vim.api.nvim_get_mode().mode, 'still in insert mode: nothing took the keys')
  vim.cmd('doautocmd CursorHold')
  vim.cmd('doautocmd CursorHoldI')
  loop.pause(50)
  h.eq(0, #selects, 'no prompt while typing')
  h.eq(cart .. table.concat(typed, '\n') .. '\n', h.text(bufnr),
    'every typed line landed, and the result did not')
  h.eq('ready', job('job-1').state, 'the result waits')
  h.eq(nil, job('job-1').percentage, 'no percentage on a finished job')
  local told = vim.tbl_filter(function(n)
    return n.text:find("job-1 ready", 1, true) and n.text:find(":FlintJobApply", 1, true)
  end, require('flint.message').history)
  h.eq(1, #told, 'one line says the result is ready and how to apply it: '
    .. vim.inspect(require('flint.message').history))

  -- Idle in normal mode: the offer comes, once.
  loop.type_keys({ '<Esc>' })
  loop.wait_until('normal mode', function()
    return vim.api.nvim_get_mode().mode == 'n'
  end)
  vim.cmd('doautocmd CursorHold')
  loop.pause(20)
  h.eq(1, #selects, 'offered once the person is idle in normal mode')
  h.eq({ 'Review', 'Apply', 'Discard', 'Later' }, selects[1].choices, 'the offer')
  h.contains(selects[1].prompt, 'rename total to cart_total', 'the offer names the job')
  selects[1].answer('Later')
  vim.cmd('doautocmd CursorHold')
  loop.pause(20)
  h.eq(1, #selects, 'not offered again after "Later"')

  -- Review: a diff of the file as it is now (with the typing) and as it would be.
  vim.cmd('FlintJobReview')
  local review
  loop.wait_until('the review buffer', function()
    review = vim.fn.bufnr('flint://job/job-1')
    return review ~= -1 and vim.api.nvim_get_current_buf() == review
  end)
  local diff = table.concat(vim.api.nvim_buf_get_lines(review, 0, -1, false), '\n')
  h.contains(diff, '--- a/cart.py', 'the file the result changes')
  h.contains(diff, '-def total(items):', 'the line as it is')
  h.contains(diff, '+def cart_total(items):', 'the line as it would be')
  h.eq('diff', vim.bo[review].filetype, 'shown as a diff')
  loop.type_keys({ 'a' })
  loop.wait_until('the job to be done', function()
    return job('job-1').state == 'done'
  end)
  h.eq('def cart_total(items):\n    return sum(price for _, price in items)\n'
    .. table.concat(typed, '\n') .. '\n', h.text(bufnr), 'applied over the typed lines')
  h.eq(-1, vim.fn.bufnr('flint://job/job-1'), 'the review buffer closed')

  -- A second result, discarded.
  vim.cmd('FlintAgent document the function')
  loop.wait_until('the second result', function()
    return job('job-2').state == 'ready'
  end)
  local before = h.text(bufnr)
  vim.cmd('FlintJobDiscard')
  loop.wait_until('the second job to be discarded', function()
    return job('job-2').state == 'discarded'
  end)
  h.eq(before, h.text(bufnr), 'nothing applied')
  local last = require('flint.message').history[#require('flint.message').history]
  h.contains(last.text, 'job-2 discarded', 'the discard is told as such')
  h.truthy(not last.text:find('failed', 1, true), 'not as a failure: ' .. last.text)
  vim.cmd('FlintJobApply')
  loop.pause(20)
  h.contains(require('flint.message').history[#require('flint.message').history].text,
    'no job result is waiting', ':FlintJobApply with nothing waiting says so')

  local list = flint.jobs and require('flint.commands').jobs()
  loop.wait_until('the job list', function()
    return table.concat(vim.api.nvim_buf_get_lines(list, 0, -1, false), '\n'):find('discarded', 1, true)
  end)
  for _, line in ipairs(vim.api.nvim_buf_get_lines(list, 1, -1, false)) do
    h.truthy(not line:find('%d%%'), 'no percentage next to a finished job: ' .. line)
  end
end)
