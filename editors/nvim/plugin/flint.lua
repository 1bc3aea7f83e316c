-- flint's user commands. They load the plugin's modules on first use; the server starts
-- only after require("flint").setup().
if vim.g.loaded_flint then
  return
end
vim.g.loaded_flint = true

--- A user command's callback that calls flint.commands[name](opts).
---@param name string
---@return fun(opts: flint.CommandOpts)
local function run(name)
  return function(opts)
    require('flint.commands')[name](opts)
  end
end

local command = vim.api.nvim_create_user_command
command('FlintEdit', run('edit'), {
  nargs = '*', range = true, desc = 'flint: inline edit at the cursor or on the selection',
})
command('FlintSteer', run('steer'), { nargs = '*', desc = 'flint: redirect the running edit' })
command('FlintAccept', run('accept'), { nargs = 0, desc = 'flint: keep the edit' })
command('FlintReject', run('reject'), { nargs = 0, desc = 'flint: restore the original text' })
command('FlintCancel', run('cancel'), { nargs = 0, desc = 'flint: stop the running edit' })
command('FlintAgent', run('agent'), {
  nargs = '*', range = true, desc = 'flint: hand a task to a background agent job',
})
command('FlintJobs', run('jobs'), { nargs = 0, desc = 'flint: list agent jobs' })
command('FlintCancelJob', run('cancel_job'), { nargs = '?', desc = 'flint: cancel an agent job' })
command('FlintJobResult', run('job_result'), {
  nargs = '?', desc = "flint: review, apply or discard a job's waiting result",
})
command('FlintJobReview', run('job_review'), { nargs = '?', desc = "flint: review a job's result" })
command('FlintJobApply', run('job_apply'), { nargs = '?', desc = "flint: apply a job's result" })
command('FlintJobDiscard', run('job_discard'), { nargs = '?', desc = "flint: discard a job's result" })
command('FlintGhostText', function(opts)
  require('flint.ghost_text').command(opts.args)
end, {
  nargs = '?', desc = 'flint: ghost text on, off or toggle',
  complete = function()
    return { 'on', 'off', 'toggle' }
  end,
})
