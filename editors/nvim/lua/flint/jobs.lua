-- Agent jobs: their state from flint/jobChanged (and the flint/jobs request), the :FlintJobs
-- list in a scratch buffer, and cancelling.
local compat = require('flint.compat')
local job_review = require('flint.job_review')
local message = require('flint.message')
local status = require('flint.status')

--- An agent job's state (flint/jobChanged): queued and running are active; ready holds a result
--- waiting for the person; done, failed, cancelled and discarded are final.
---@alias flint.JobState 'queued'|'running'|'ready'|'done'|'failed'|'cancelled'|'discarded'

--- flint's job ids are strings ("job-3"); a number is taken too.
---@alias flint.JobId string|integer

--- An agent job as the plugin knows it.
---@class flint.Job
---@field jobId flint.JobId
---@field client_id? integer The flint client that runs it.
---@field title? string
---@field state? flint.JobState
---@field message? string Progress message while active.
---@field percentage? number Progress while active.
---@field summary? string
---@field files? string[] URIs of the files a ready result changes.
---@field changes? integer How many changes a ready result holds.
---@field updated? number compat.now_ms() of the last update.

--- What flint/jobChanged, flint/jobs and the job commands' answers say of a job: any field
--- may be missing or vim.NIL.
---@class flint.JobFields
---@field jobId flint.JobId
---@field title? string
---@field state? flint.JobState
---@field message? string
---@field percentage? number
---@field summary? string
---@field files? string[]
---@field changes? integer

--- A command's callback: (err, result).
---@alias flint.CommandCallback fun(err: flint.ResponseError|nil, result: any)

local M = {}

-- jobId -> { jobId, client_id, title, state, message, percentage, summary, files, changes,
-- updated }
---@type table<flint.JobId, flint.Job>
M.by_id = {}

---@type table<flint.JobState, true>
local ACTIVE = { queued = true, running = true }
-- The level a job's final state is announced at.
---@type table<flint.JobState, flint.LogLevel>
local LEVEL = {
  done = vim.log.levels.INFO,
  failed = vim.log.levels.WARN,
  cancelled = vim.log.levels.INFO,
  discarded = vim.log.levels.INFO,
}

--- `value`, or nil for vim.NIL.
---@generic T
---@param value T|nil
---@return T|nil
local function present(value)
  if value == nil or value == vim.NIL then
    return nil
  end
  return value
end

--- Merges what is known of a job into M.by_id.
---@param fields flint.JobFields
---@param client_id integer|nil
---@return flint.Job
local function merge(fields, client_id)
  local job = M.by_id[fields.jobId]
  if not job then
    job = { jobId = fields.jobId }
    M.by_id[fields.jobId] = job
  end
  job.client_id = client_id or job.client_id
  local state = present(fields.state)
  if state and not ACTIVE[state] then
    -- A finished (or waiting) job has no progress any more: no "done 13%", no stale message.
    job.message, job.percentage = nil, nil
  end
  for _, key in ipairs({ 'title', 'state', 'message', 'percentage', 'summary', 'files', 'changes' }) do
    local value = present(fields[key])
    if value ~= nil then
      job[key] = value
    end
  end
  job.updated = compat.now_ms()
  return job
end

--- Handler of the flint/jobChanged notification.
---@param params flint.JobFields|any
---@param ctx flint.HandlerContext|nil
function M.on_changed(_, params, ctx)
  if type(params) ~= 'table' or params.jobId == nil then
    return
  end
  local before = M.by_id[params.jobId] and M.by_id[params.jobId].state
  local job = merge(params, ctx and ctx.client_id)
  status.changed()
  if job.state == before then
    return
  end
  if job.state == 'ready' then
    return job_review.on_ready(job)
  end
  if LEVEL[job.state] then
    local text = string.format('flint: %s %s', tostring(job.jobId), job.state)
    if job.title then
      text = text .. ' (' .. job.title .. ')'
    end
    local detail = job.summary
    if detail and detail ~= job.state then
      text = text .. ': ' .. detail
    end
    message.show(text, LEVEL[job.state])
  end
end

--- Records what a command's answer says of a job (flint.applyJob, flint.cancelJob...).
---@param fields flint.JobFields
---@param client_id integer|nil
---@return flint.Job
function M.update(fields, client_id)
  local job = merge(fields, client_id)
  status.changed()
  return job
end

--- Records a job that flint.agentTask just created, before its first flint/jobChanged.
---@param job_id flint.JobId
---@param title string|nil
---@param client_id integer
---@return flint.Job
function M.started(job_id, title, client_id)
  local job = merge({ jobId = job_id }, client_id)
  job.title = job.title or title
  job.state = job.state or 'queued'
  status.changed()
  return job
end

---@param a flint.Job
---@param b flint.Job
---@return boolean
-- flint numbers its jobs "job-1", "job-2", ...: by that number ("job-10" after "job-9"), then
-- by the id's text for ids of another shape.
local function job_number(id)
  return tonumber(id) or tonumber(tostring(id):match('(%d+)$'))
end

local function by_id_order(a, b)
  local na, nb = job_number(a.jobId), job_number(b.jobId)
  if na and nb and na ~= nb then
    return na < nb
  end
  return tostring(a.jobId) < tostring(b.jobId)
end

--- Every job known, oldest first.
---@return flint.Job[]
function M.all()
  local list = vim.tbl_values(M.by_id)
  table.sort(list, by_id_order)
  return list
end

--- Queued and running jobs, oldest first.
---@return flint.Job[]
function M.active()
  return vim.tbl_filter(function(job)
    return ACTIVE[job.state] == true
  end, M.all())
end

--- Asks each client for flint/jobs, merges the answers, then calls `done()`.
---@param clients flint.Client[]
---@param done fun()
function M.refresh(clients, done)
  local waiting = #clients
  if waiting == 0 then
    return done()
  end
  for _, client in ipairs(clients) do
    compat.request(client, 'flint/jobs', vim.empty_dict(), function(err, result)
      if not err and type(result) == 'table' and type(result.jobs) == 'table' then
        for _, job in ipairs(result.jobs) do
          if type(job) == 'table' and job.jobId ~= nil then
            merge(job, client.id)
          end
        end
      end
      waiting = waiting - 1
      if waiting == 0 then
        status.changed()
        done()
      end
    end)
  end
end

--- Sends flint.cancelJob for `job_id`.
---@param client flint.Client
---@param job_id flint.JobId
---@param on_done? flint.CommandCallback
function M.cancel(client, job_id, on_done)
  compat.request(client, 'workspace/executeCommand', {
    command = 'flint.cancelJob',
    arguments = { { jobId = job_id } },
  }, function(err, result)
    if err then
      message.show('flint: cannot cancel ' .. tostring(job_id) .. ': ' .. err.message,
        vim.log.levels.WARN)
    elseif type(result) == 'table' then
      M.update({ jobId = job_id, state = result.state }, client.id)
    end
    if on_done then
      on_done(err, result)
    end
  end)
end

--- One line per job, for the list buffer.
---@param job flint.Job
---@return string
function M.format(job)
  local line = string.format('%-7s %-9s', tostring(job.jobId), job.state or '?')
  local running = ACTIVE[job.state] and job.percentage
  line = line .. (running and string.format(' %3d%%', job.percentage) or '     ')
  line = line .. '  ' .. (job.title or '')
  local detail = job.summary or job.message
  if detail and detail ~= '' then
    line = line .. ' - ' .. detail:gsub('\n', ' ')
  end
  return line
end

local LIST_NAME = 'flint://jobs'
-- bufnr of the list -> { [line] = jobId }
---@type table<integer, table<integer, flint.JobId>>
local line_ids = {}
local HEADER = 'flint jobs   p: review  a: apply  d: discard (a ready job)   x: cancel   r: refresh   q: close'

---@param bufnr integer
local function render(bufnr)
  local lines, ids = { HEADER }, {}
  for _, job in ipairs(M.all()) do
    table.insert(lines, M.format(job))
    ids[#lines] = job.jobId
  end
  if #lines == 1 then
    table.insert(lines, '(no jobs)')
  end
  vim.api.nvim_buf_set_option(bufnr, 'modifiable', true)
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.api.nvim_buf_set_option(bufnr, 'modifiable', false)
  line_ids[bufnr] = ids
end

--- Opens (or refreshes) the job list in a scratch buffer; returns its buffer number.
---@param clients flint.Client[]
---@return integer bufnr
function M.open_list(clients)
  local bufnr = vim.fn.bufnr(LIST_NAME)
  if bufnr == -1 or not vim.api.nvim_buf_is_valid(bufnr) then
    bufnr = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(bufnr, LIST_NAME)
    vim.api.nvim_buf_set_option(bufnr, 'bufhidden', 'wipe')
    vim.api.nvim_buf_set_option(bufnr, 'filetype', 'flintjobs')
    local function map(lhs, fn)
      vim.keymap.set('n', lhs, fn, { buffer = bufnr, nowait = true, silent = true })
    end
    map('q', '<cmd>close<cr>')
    map('r', function()
      M.refresh(clients, function()
        render(bufnr)
      end)
    end)
    ---@return flint.Job|nil
    local function job_under_cursor()
      local id = (line_ids[bufnr] or {})[vim.api.nvim_win_get_cursor(0)[1]]
      return id ~= nil and M.by_id[id] or nil
    end
    map('x', function()
      local job = job_under_cursor()
      local client = job and job.client_id and vim.lsp.get_client_by_id(job.client_id)
      if client then
        M.cancel(client, job.jobId, function()
          render(bufnr)
        end)
      end
    end)
    local function rerender()
      if vim.api.nvim_buf_is_valid(bufnr) then
        render(bufnr)
      end
    end
    map('a', function()
      job_review.apply(job_under_cursor(), rerender)
    end)
    map('d', function()
      job_review.discard(job_under_cursor(), rerender)
    end)
    map('p', function()
      job_review.review(job_under_cursor())
    end)
  end
  if vim.fn.bufwinid(bufnr) == -1 then
    vim.cmd('botright 10split')
    vim.api.nvim_win_set_buf(0, bufnr)
  end
  render(bufnr)
  M.refresh(clients, function()
    if vim.api.nvim_buf_is_valid(bufnr) then
      render(bufnr)
    end
  end)
  return bufnr
end

return M
