-- The user commands (:FlintEdit, :FlintSteer, ...): they turn the cursor, the selection, the
-- command's argument or a prompt into calls of flint.edit and flint.jobs.
local client = require('flint.client')
local edit = require('flint.edit')
local jobs = require('flint.jobs')
local positions = require('flint.positions')

--- What a user command's callback receives (nvim_create_user_command; the fields used here).
---@class flint.CommandOpts
---@field args string
---@field range integer 0, 1 or 2: how many line numbers the command was given.
---@field line1 integer
---@field line2 integer

local M = {}

--- The extent a command with a range means: the visual selection when the range is the
--- selection's ('<,'>), else whole lines; nil without a range.
---@param bufnr integer
---@param opts flint.CommandOpts|nil
---@return flint.Extent|nil
local function range_extent(bufnr, opts)
  if not opts or not opts.range or opts.range == 0 then
    return nil
  end
  local s = vim.api.nvim_buf_get_mark(bufnr, '<')
  local e = vim.api.nvim_buf_get_mark(bufnr, '>')
  if s[1] == opts.line1 and e[1] == opts.line2 then
    return positions.visual_extent(bufnr)
  end
  return positions.lines_extent(bufnr, opts.line1, opts.line2)
end

--- Calls fn(instruction) with `text`, or with what the person types at `prompt`.
---@param text string|nil
---@param prompt string
---@param fn fun(instruction: string)
local function with_instruction(text, prompt, fn)
  if text and text:match('%S') then
    return fn(text)
  end
  vim.ui.input({ prompt = prompt }, function(input)
    if input and input:match('%S') then
      fn(input)
    else
      -- Escape or an empty line: nothing starts, and the person is told so in one line.
      require('flint.message').show('flint: no instruction given, nothing done')
    end
  end)
end

--- :FlintEdit [instruction] (with a range: on those lines or the selection).
---@param opts flint.CommandOpts|nil
function M.edit(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local extent = range_extent(bufnr, opts) or positions.cursor_extent()
  with_instruction(opts and opts.args, 'flint edit: ', function(instruction)
    edit.inline_edit({ bufnr = bufnr, extent = extent, instruction = instruction })
  end)
end

--- :FlintSteer [instruction]
---@param opts flint.CommandOpts|nil
function M.steer(opts)
  with_instruction(opts and opts.args, 'flint steer: ', function(instruction)
    edit.steer({ instruction = instruction })
  end)
end

--- :FlintAccept
function M.accept()
  edit.decide('accept')
end

--- :FlintReject
function M.reject()
  edit.decide('reject')
end

--- :FlintCancel
function M.cancel()
  edit.decide('cancel')
end

--- :FlintAgent [instruction]
---@param opts flint.CommandOpts|nil
function M.agent(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local extent = range_extent(bufnr, opts)
  with_instruction(opts and opts.args, 'flint agent: ', function(instruction)
    edit.agent({ bufnr = bufnr, extent = extent, instruction = instruction })
  end)
end

--- :FlintJobs
---@return integer bufnr
function M.jobs()
  return jobs.open_list(client.all())
end

--- :FlintCancelJob [id] (default: the newest active job).
---@param opts flint.CommandOpts|nil
function M.cancel_job(opts)
  local id = opts and opts.args ~= '' and opts.args or nil
  if id then
    id = tonumber(id) or id
  else
    local active = jobs.active()
    id = active[#active] and active[#active].jobId
  end
  local job = id ~= nil and jobs.by_id[id]
  local owner = job and job.client_id and vim.lsp.get_client_by_id(job.client_id)
    or client.get(vim.api.nvim_get_current_buf(), true)
  if id == nil or not owner then
    return require('flint.message').show('flint: no job to cancel', vim.log.levels.WARN)
  end
  jobs.cancel(owner, id)
end

---@return table flint.job_review
local function job_review()
  return require('flint.job_review')
end

--- :FlintJobApply [id]
---@param opts flint.CommandOpts|nil
function M.job_apply(opts)
  job_review().apply(job_review().pick(opts and opts.args))
end

--- :FlintJobReview [id]
---@param opts flint.CommandOpts|nil
function M.job_review(opts)
  job_review().review(job_review().pick(opts and opts.args))
end

--- :FlintJobDiscard [id]
---@param opts flint.CommandOpts|nil
function M.job_discard(opts)
  job_review().discard(job_review().pick(opts and opts.args))
end

--- Asked for, so a prompt is welcome: Review / Apply / Discard for the newest waiting result.
---@param opts flint.CommandOpts|nil
function M.job_result(opts)
  local review = job_review()
  local job = review.pick(opts and opts.args)
  if not job or job.state ~= 'ready' then
    return review.apply(job) -- says in one line that nothing waits
  end
  vim.ui.select({ 'Review', 'Apply', 'Discard' }, {
    prompt = string.format('flint: %s (%s): %s', job.jobId, job.title or 'agent job', job.summary or ''),
  }, function(choice)
    local act = ({ Review = review.review, Apply = review.apply, Discard = review.discard })[choice]
    if act then
      act(job)
    end
  end)
end

--- Installs the suggested mappings; `option` is true or a table overriding config.default_keymaps.
---@param option boolean|table<string, flint.Keymap|false>|nil
function M.install_keymaps(option)
  if not option then
    return
  end
  local config = require('flint.config')
  local maps = vim.tbl_deep_extend('force', vim.deepcopy(config.default_keymaps),
    type(option) == 'table' and option or {})
  local rhs = {
    edit = { n = '<cmd>FlintEdit<cr>', x = ':FlintEdit<cr>' },
    steer = { n = '<cmd>FlintSteer<cr>' },
    accept = { n = '<cmd>FlintAccept<cr>' },
    reject = { n = '<cmd>FlintReject<cr>' },
    cancel = { n = '<cmd>FlintCancel<cr>' },
    agent = { n = '<cmd>FlintAgent<cr>', x = ':FlintAgent<cr>' },
    jobs = { n = '<cmd>FlintJobs<cr>' },
    job_result = { n = '<cmd>FlintJobResult<cr>' },
  }
  for name, map in pairs(maps) do
    if map and map.lhs and rhs[name] then
      for _, mode in ipairs(map.modes or { 'n' }) do
        if rhs[name][mode] then
          vim.keymap.set(mode, map.lhs, rhs[name][mode], { desc = map.desc, silent = true })
        end
      end
    end
  end
end

return M
