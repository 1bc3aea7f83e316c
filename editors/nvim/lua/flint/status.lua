-- require("flint").status(): one short line for a statusline (plain or lualine) naming the
-- active edit session and the running agent jobs. Changes fire `User FlintStatus` and a
-- statusline redraw, at most once per event-loop turn.
local M = {}

---@type boolean
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

-- An instruction in the statusline: quoted, cut to a few words.
local MAX_INSTRUCTION = 32

---@param text any
---@return string
local function quoted(text)
  text = tostring(text):gsub('%s+', ' ')
  if vim.fn.strchars(text) > MAX_INSTRUCTION then
    text = vim.fn.strcharpart(text, 0, MAX_INSTRUCTION - 1) .. '…'
  end
  return '"' .. text .. '"'
end

--- 'editing "add types" 45%' (or '… 120 tokens' while flint reports no percentage),
--- 'in review "add types"': the states named as VS Code names them (sessionWords.ts).
---@param session flint.Session
---@param progress table The flint.progress module.
---@return string
local function describe_session(session, progress)
  local text = 'in review'
  if session.state == 'streaming' then
    text = session.reason == 'thinking' and 'thinking' or 'editing'
  end
  if session.instruction then
    text = text .. ' ' .. quoted(session.instruction)
  end
  if session.state == 'streaming' then
    local entry = session.token and progress.active[session.token]
    if entry and entry.percentage then
      text = text .. ' ' .. math.floor(entry.percentage) .. '%'
    elseif entry and entry.message and entry.message ~= session.instruction then
      text = text .. ' ' .. entry.message
    end
  end
  return text
end

---@param title string|nil
---@param percentage number|nil
---@param message string|nil
---@return string
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
---@param bufnr? integer
---@return string
function M.render(bufnr)
  local sessions = require('flint.sessions')
  local jobs = require('flint.jobs')
  local progress = require('flint.progress')
  local parts = {}

  local session = sessions.current(bufnr or vim.api.nvim_get_current_buf())
    or sessions.any_streaming()
  if session then
    table.insert(parts, describe_session(session, progress))
  end

  -- Jobs, with the freshest message from either flint/jobChanged or their $/progress token
  -- (flint's token for a job is "flint/<jobId>", its title the job's, maybe "flint: "-prefixed).
  ---@param token flint.ProgressToken
  ---@param entry flint.ProgressEntry
  ---@param job flint.Job
  ---@return boolean
  local function same_job(token, entry, job)
    return token == 'flint/' .. tostring(job.jobId) or entry.title == job.title
      or entry.title == 'flint: ' .. tostring(job.title)
  end
  local used_tokens = {}
  local active_jobs = jobs.active()
  for i, job in ipairs(active_jobs) do
    if i > 1 then
      local more = #active_jobs - 1
      table.insert(parts, string.format(more == 1 and '+%d job' or '+%d jobs', more))
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
