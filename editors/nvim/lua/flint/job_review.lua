-- A finished agent job's result waits for the person (the server holds it, state "ready"):
-- it is announced in one line, and applied, reviewed or discarded only when they ask
-- (:FlintJobApply, :FlintJobReview, :FlintJobDiscard, keys in :FlintJobs and in the review
-- buffer). It never takes the keys: the only prompt, a vim.ui.select, comes when the person is
-- idle in normal mode with nothing typed ahead (CursorHold), never in insert mode.
local compat = require('flint.compat')
local config = require('flint.config')
local message = require('flint.message')

--- A file of a ready job's result.
---@class flint.JobFile
---@field uri string
---@field path string Relative to the workspace folder, or as :~:. shows it.

--- What the person is asked about a ready job's result (and what a confirm_agent_edits
--- function receives).
---@class flint.JobSummary
---@field job flint.Job
---@field label string
---@field files flint.JobFile[]
---@field changes? integer
---@field text string The question, several lines.

--- One file of flint/jobPreview's answer: its text now and as the result would make it.
---@class flint.JobPreviewFile
---@field uri string
---@field current? string
---@field proposed? string

local M = {}

---@return table flint.jobs (required late: it requires this module)
local function jobs()
  return require('flint.jobs')
end

---@param job flint.Job|nil
---@return flint.Client|nil
local function client_of(job)
  return job and job.client_id and vim.lsp.get_client_by_id(job.client_id) or nil
end

-- The file's path under the workspace folder of the job's flint-lsp, else as :~:. has it.
---@param uri string
---@param client flint.Client|nil
---@return string
local function relative(uri, client)
  local path = vim.uri_to_fname(uri)
  local root = client and client.config and client.config.root_dir
  if type(root) == 'string' and root ~= '' then
    root = root:gsub('/$', '') .. '/'
    if path:sub(1, #root) == root then
      return path:sub(#root + 1)
    end
  end
  return vim.fn.fnamemodify(path, ':~:.')
end

--- What the person is asked about: { job, label, files = { { uri, path } }, changes, text }.
---@param job flint.Job
---@return flint.JobSummary
function M.summary(job)
  local files = {}
  for _, uri in ipairs(type(job.files) == 'table' and job.files or {}) do
    table.insert(files, { uri = uri, path = relative(uri, client_of(job)) })
  end
  local paths = vim.tbl_map(function(f)
    return f.path
  end, files)
  local text = string.format('flint: %s ready (%s): %s', job.jobId, job.title or 'agent job',
    job.summary or (#files .. ' files'))
  if #paths > 0 then
    text = text .. '\n  ' .. table.concat(paths, '\n  ')
  end
  return {
    job = job,
    label = 'flint: ' .. (job.title or 'agent job'),
    files = files,
    changes = job.changes,
    text = text,
  }
end

--- The newest job whose result waits, or the one named `id`.
---@param id string|flint.JobId|nil A job id as typed ("3", "job-3"), or nil/"" for the newest ready job.
---@return flint.Job|nil
function M.pick(id)
  if id ~= nil and id ~= '' then
    return jobs().by_id[id] or jobs().by_id[tonumber(id) or id] or jobs().by_id['job-' .. id]
  end
  local newest
  for _, job in ipairs(jobs().all()) do
    if job.state == 'ready' then
      newest = job
    end
  end
  return newest
end

---@param job_id flint.JobId
local function close_review(job_id)
  local bufnr = vim.fn.bufnr('flint://job/' .. tostring(job_id))
  if bufnr ~= -1 and vim.api.nvim_buf_is_valid(bufnr) then
    pcall(vim.api.nvim_buf_delete, bufnr, { force = true })
  end
end

-- The client holding the job's waiting result; otherwise says why there is none, in one line.
---@param job flint.Job|nil
---@return flint.Client|nil
local function waiting(job)
  local client = client_of(job)
  if job and job.state == 'ready' and client then
    return client
  end
  local why = not job and 'no job result is waiting'
    or not client and string.format('%s: its flint-lsp is gone', tostring(job.jobId))
    or string.format('%s has no result waiting (it is %s)', tostring(job.jobId), tostring(job.state))
  message.show('flint: ' .. why, vim.log.levels.WARN)
  return nil
end

--- Sends `command` ({ jobId }) for a job whose result waits.
---@param command string
---@param job flint.Job|nil
---@param on_done? flint.CommandCallback
---@return boolean sent
local function run(command, job, on_done)
  local client = waiting(job)
  if not client then
    return false
  end
  compat.request(client, 'workspace/executeCommand', {
    command = command,
    arguments = { { jobId = job.jobId } },
  }, function(err, result)
    if err then
      message.show(string.format('flint: %s: %s', tostring(job.jobId), err.message),
        vim.log.levels.WARN)
    elseif type(result) == 'table' then
      jobs().update({ jobId = job.jobId, state = result.state, summary = result.summary }, client.id)
    end
    close_review(job.jobId)
    if on_done then
      on_done(err, result)
    end
  end)
  return true
end

--- Lands the result (flint.applyJob): the edits arrive as one workspace/applyEdit.
---@param job flint.Job|nil
---@param on_done? flint.CommandCallback
---@return boolean sent
function M.apply(job, on_done)
  return run('flint.applyJob', job, on_done)
end

--- Drops the result (flint.discardJob): the job ends "discarded".
---@param job flint.Job|nil
---@param on_done? flint.CommandCallback
---@return boolean sent
function M.discard(job, on_done)
  return run('flint.discardJob', job, on_done)
end

---@param file flint.JobPreviewFile
---@param client flint.Client
---@return string[]
local function diff_lines(file, client)
  local path = relative(file.uri, client)
  local lines = { '--- a/' .. path, '+++ b/' .. path }
  local hunks = vim.diff(file.current or '', file.proposed or '', { result_type = 'unified', ctxlen = 3 })
  for _, line in ipairs(vim.split(hunks or '', '\n', { plain = true })) do
    if line ~= '' then
      table.insert(lines, line)
    end
  end
  return lines
end

local REVIEW_HEADER = 'a: apply   d: discard   q: close (the result keeps waiting)'

--- Opens the result as a unified diff (flint/jobPreview: the files as they are now, and as they
--- would be) in a scratch buffer with keys to apply or discard it; returns nothing (async).
---@param job flint.Job|nil
function M.review(job)
  local client = waiting(job)
  if not client then
    return
  end
  compat.request(client, 'flint/jobPreview', { jobId = job.jobId }, function(err, result)
    if err or type(result) ~= 'table' or type(result.files) ~= 'table' then
      return message.show('flint: cannot review ' .. tostring(job.jobId) .. ': '
        .. (err and err.message or 'no result'), vim.log.levels.WARN)
    end
    local lines = { string.format('flint %s (%s): %s', job.jobId, job.title or 'agent job',
      job.summary or ''), REVIEW_HEADER, '' }
    for _, file in ipairs(result.files) do
      vim.list_extend(lines, diff_lines(file, client))
    end
    local name = 'flint://job/' .. tostring(job.jobId)
    local bufnr = vim.fn.bufnr(name)
    if bufnr == -1 or not vim.api.nvim_buf_is_valid(bufnr) then
      bufnr = vim.api.nvim_create_buf(false, true)
      vim.api.nvim_buf_set_name(bufnr, name)
      vim.api.nvim_buf_set_option(bufnr, 'bufhidden', 'wipe')
      local function map(lhs, fn)
        vim.keymap.set('n', lhs, fn, { buffer = bufnr, nowait = true, silent = true })
      end
      map('a', function()
        M.apply(jobs().by_id[job.jobId])
      end)
      map('d', function()
        M.discard(jobs().by_id[job.jobId])
      end)
      map('q', '<cmd>close<cr>')
    end
    vim.api.nvim_buf_set_option(bufnr, 'modifiable', true)
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
    vim.api.nvim_buf_set_option(bufnr, 'modifiable', false)
    vim.api.nvim_buf_set_option(bufnr, 'filetype', 'diff')
    if vim.fn.bufwinid(bufnr) == -1 then
      vim.cmd('botright ' .. math.min(#lines, math.max(math.floor(vim.o.lines / 2), 5)) .. 'split')
      vim.api.nvim_win_set_buf(0, bufnr)
    end
  end)
end

-- The idle offer: one vim.ui.select per ready job, when the person is idle in normal mode.
---@type table<flint.JobId, true>
local offered = {}

-- Someone can answer: a UI is attached, or vim.ui.select was replaced (a picker plugin).
---@return boolean
local function answerable()
  if #vim.api.nvim_list_uis() > 0 then
    return true
  end
  local info = debug.getinfo(vim.ui.select, 'S')
  return not (info and type(info.source) == 'string' and info.source:match('vim/ui%.lua$'))
end

-- Normal mode, no operator or mapping half-typed, nothing typed ahead.
---@return boolean
local function idle()
  local busy = vim.fn.exists('*state') == 1 and vim.fn.state('moa') ~= ''
  return vim.fn.mode() == 'n' and not busy and vim.fn.getchar(1) == 0 and answerable()
end

local function offer()
  local job = M.pick()
  if not job or offered[job.jobId] or not idle() then
    return
  end
  offered[job.jobId] = true
  local choices = { 'Review', 'Apply', 'Discard', 'Later' }
  vim.ui.select(choices, {
    prompt = string.format('flint: %s (%s): %s', job.jobId, job.title or 'agent job', job.summary or ''),
  }, function(choice)
    if choice == 'Review' then
      M.review(jobs().by_id[job.jobId])
    elseif choice == 'Apply' then
      M.apply(jobs().by_id[job.jobId])
    elseif choice == 'Discard' then
      M.discard(jobs().by_id[job.jobId])
    end
  end)
end

---@type integer|nil
local group
local function offer_when_idle()
  group = group or vim.api.nvim_create_augroup('flint_job_offer', { clear = true })
  vim.api.nvim_clear_autocmds({ group = group })
  vim.api.nvim_create_autocmd('CursorHold', {
    group = group,
    callback = function()
      offer()
      if not M.pick() or offered[M.pick().jobId] then
        vim.api.nvim_clear_autocmds({ group = group })
      end
    end,
  })
end

--- A job's result just started waiting: say so, then do what confirm_agent_edits says.
---@param job flint.Job
function M.on_ready(job)
  local choice = config.options.confirm_agent_edits
  if choice == false then
    return M.apply(job)
  end
  if type(choice) == 'function' then
    local ok, answer = pcall(choice, M.summary(job))
    if ok and answer == true then
      return M.apply(job)
    elseif ok and answer == false then
      return M.discard(job)
    end
    -- nil (or an error): the person decides, as by default.
  end
  local summary = M.summary(job)
  local details = summary.label .. '\n' .. table.concat(vim.tbl_map(function(f)
    return '  ' .. f.path
  end, summary.files), '\n')
  message.show(string.format('flint: %s ready: %s · :FlintJobReview, :FlintJobApply, :FlintJobDiscard',
    tostring(job.jobId), job.summary or 'a result'), vim.log.levels.INFO, details)
  offer_when_idle()
end

return M
