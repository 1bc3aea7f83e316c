-- require("flint").status(): one short line for a statusline (plain or lualine) naming the
-- active edit session and the running agent jobs. Changes fire `User FlintStatus` and a
-- statusline redraw, at most once per event-loop turn.
local M = {}

local scheduled = false

--- Tells statuslines that the state changed.
function M.changed()
  if scheduled then
    return
  end
  scheduled = true
  vim.schedule(function()
    scheduled = false
    pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'FlintStatus', modeline = false })
    pcall(vim.cmd, 'redrawstatus!')
  end)
end

local function describe_work(title, percentage, message)
  local text = title and ('"' .. title .. '"') or 'job'
  if percentage then
    text = text .. ' ' .. math.floor(percentage) .. '%'
  end
  if message and message ~= '' then
    text = text .. ' ' .. message
  end
  return text
end

--- The status line text; "" when flint is idle. `bufnr` defaults to the current buffer.
function M.render(bufnr)
  local sessions = require('flint.sessions')
  local jobs = require('flint.jobs')
  local progress = require('flint.progress')
  local parts = {}

  local session = sessions.current(bufnr or vim.api.nvim_get_current_buf())
    or sessions.any_streaming()
  if session then
    table.insert(parts, session.state == 'streaming' and 'editing' or 'review')
  end

  -- Jobs, with the freshest message from either flint/jobChanged or their $/progress token
  -- (flint's token for a job is "flint/<jobId>", its title the job's, maybe "flint: "-prefixed).
  local function same_job(token, entry, job)
    return token == 'flint/' .. tostring(job.jobId) or entry.title == job.title
      or entry.title == 'flint: ' .. tostring(job.title)
  end
  local used_tokens = {}
  local active_jobs = jobs.active()
  for i, job in ipairs(active_jobs) do
    if i > 1 then
      table.insert(parts, string.format('+%d jobs', #active_jobs - 1))
      break
    end
    local message, percentage, updated = job.message, job.percentage, job.updated or 0
    for token, entry in pairs(progress.active) do
      if same_job(token, entry, job) then
        used_tokens[token] = true
        if (entry.updated or 0) >= updated then
          message = entry.message or message
          percentage = entry.percentage or percentage
        end
      end
    end
    table.insert(parts, describe_work(job.title, percentage, message))
  end
  for token, entry in pairs(progress.active) do
    local own_edit = type(token) == 'string' and token:match('^flint%-edit%-')
    if not used_tokens[token] and not own_edit and #active_jobs == 0 then
      table.insert(parts, describe_work(entry.title, entry.percentage, entry.message))
      break
    end
  end

  if #parts == 0 then
    return ''
  end
  return 'flint: ' .. table.concat(parts, ' | ')
end

return M
