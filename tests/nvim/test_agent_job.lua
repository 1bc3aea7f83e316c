-- :FlintAgent: a background job's progress reaches the statusline component (and the
-- progress history), the job ends done, and its one reviewed WorkspaceEdit lands in the
-- right buffers: the open file's buffer and the other file, loaded for review and unsaved.
local h = require('helpers')
h.capture_notifications()

local cart = table.concat({
  'def total(items):',
  '    return sum(price for _, price in items)',
  '',
}, '\n')
local report = table.concat({
  'from cart import total',
  '',
  '',
  'def show(items):',
  '    print("total:", total(items))',
  '',
}, '\n')
local task = 'rename total to cart_total everywhere'

local function call(name, arguments)
  return { toolCalls = { { name = name, arguments = arguments } }, firstTokenMs = 250 }
end
local endpoint = h.start_endpoint({ rules = { {
  match = task,
  replies = {
    call('search_text', { query = 'total' }),
    call('read_file', { path = 'cart.py' }),
    call('read_file', { path = 'report.py' }),
    call('propose_edit', { path = 'cart.py', old_text = 'def total(items):',
      new_text = 'def cart_total(items):' }),
    call('propose_edit', { path = 'report.py', old_text = 'from cart import total\n',
      new_text = 'from cart import cart_total\n' }),
    call('propose_edit', { path = 'report.py', old_text = 'total(items))',
      new_text = 'cart_total(items))' }),
    call('finish', { summary = 'renamed total to cart_total in cart.py and report.py' }),
  },
} } })
local root = h.project({ ['cart.py'] = cart, ['report.py'] = report })
local reviewed
h.setup_flint({
  root = root,
  base_url = endpoint.base_url,
  options = {
    confirm_agent_edits = function(summary)
      reviewed = summary
      return true
    end,
  },
})
local bufnr = h.open(root .. '/cart.py')
local flint = require('flint')

-- Every text the statusline component shows while the job runs.
local statuses = {}
vim.api.nvim_create_autocmd('User', { pattern = 'FlintStatus', callback = function()
  local text = flint.status(bufnr)
  if text ~= '' and statuses[#statuses] ~= text then
    table.insert(statuses, text)
  end
end })

vim.cmd('FlintAgent ' .. task)
local job
h.wait_for('the job to end', function()
  job = flint.jobs()[1]
  return job and (job.state == 'done' or job.state == 'failed' or job.state == 'cancelled')
end, 60000)
h.eq('done', job.state, 'job state (' .. tostring(job.summary or job.message) .. ')')

h.truthy(#statuses >= 1, 'the statusline component showed the job')
local shown = table.concat(statuses, '\n')
h.contains(shown, 'rename total to cart_total', 'the statusline names the job')
local progress = flint.progress_messages()
local kinds = {}
for _, message in ipairs(progress) do
  kinds[message.kind] = true
end
h.truthy(kinds.begin and kinds['end'], 'the job reported $/progress begin and end: ' .. vim.inspect(progress))
h.eq('', flint.status(bufnr), 'statusline idle after the job')

-- The result: one edit across both files, reviewed first.
h.truthy(reviewed, 'the agent edit was offered for review')
local paths = vim.tbl_map(function(file)
  return vim.fn.fnamemodify(file.path, ':t')
end, reviewed.files)
table.sort(paths)
h.eq({ 'cart.py', 'report.py' }, paths, 'the review lists both files')
h.wait_text(bufnr, cart:gsub('def total', 'def cart_total'), 'the open buffer got its edit')
local other = vim.fn.bufnr(root .. '/report.py')
h.truthy(other ~= -1 and vim.api.nvim_buf_is_loaded(other), 'report.py was loaded for the edit')
h.eq(report:gsub('import total', 'import cart_total'):gsub('total%(items%)', 'cart_total(items)'),
  h.text(other), 'report.py buffer got its edits')
h.truthy(vim.bo[other].modified, 'report.py is left unsaved for review')
h.eq(report, h.read_file(root .. '/report.py'), 'nothing was written to disk behind the editor')

-- :FlintJobs shows it, and the end was announced.
local list = require('flint.commands').jobs()
h.wait_for('the job list', function()
  return table.concat(vim.api.nvim_buf_get_lines(list, 0, -1, false), '\n'):find('done', 1, true)
end)
h.truthy(vim.tbl_filter(function(n)
  return n.message:find('done', 1, true) and n.message:find('cart_total', 1, true)
end, h.notifications)[1], 'the finished job is announced')
