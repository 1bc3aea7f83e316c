-- The options of require("flint").setup(), their defaults, and the merged result the other
-- modules read. Documented in :help flint-setup.

--- A vim.log.levels value (TRACE 0 … ERROR 4).
---@alias flint.LogLevel integer

--- A suggested key mapping (config.default_keymaps, or the `keymaps` option's overrides).
---@class flint.Keymap
---@field modes? string[] Modes to map in ("n", "x", "i").
---@field lhs? string The keys; nil or missing leaves the action unmapped.
---@field desc? string

--- The merged options (config.options): every field has its default.
---@class flint.Options
---@field cmd string[] argv of the server; a bare "flint-lsp" is looked up in $PATH, then in the checkout's build folders (config.server_cmd).
---@field cmd_env? table<string, string> Extra environment for the server process.
---@field settings table flint's settings object (models, edit, completion, jobs).
---@field filetypes string[] Filetypes whose buffers get flint; "*" for every file buffer.
---@field root_dir? string|fun(bufnr: integer): string A folder, or a function of the buffer.
---@field root_markers string[] Files or folders that mark a workspace root.
---@field keymaps boolean|table<string, flint.Keymap|false> Suggested mappings: false, true or overrides.
---@field session_keymaps boolean Buffer-local accept/reject/steer/cancel keys while a session is live.
---@field inline_completion boolean Ghost text while typing.
---@field confirm_agent_edits boolean|(fun(summary: flint.JobSummary|flint.ApplyEditSummary): boolean|nil) true waits, false applies at once.
---@field notify_results boolean Announce finished edit sessions with vim.notify.
---@field on_attach? fun(client: flint.Client, bufnr: integer)

--- What require("flint").setup() takes: any subset of flint.Options.
---@class flint.SetupOptions
---@field cmd? string[]
---@field cmd_env? table<string, string>
---@field settings? table
---@field filetypes? string[]
---@field root_dir? string|fun(bufnr: integer): string
---@field root_markers? string[]
---@field keymaps? boolean|table<string, flint.Keymap|false>
---@field session_keymaps? boolean
---@field inline_completion? boolean
---@field confirm_agent_edits? boolean|(fun(summary: flint.JobSummary|flint.ApplyEditSummary): boolean|nil)
---@field notify_results? boolean
---@field on_attach? fun(client: flint.Client, bufnr: integer)

local M = {}

---@type flint.Options
M.defaults = {
  -- argv of the server. A bare "flint-lsp" is looked up in $PATH, then in the build folders of
  -- the checkout this plugin belongs to (M.build_folders): editors/nvim/build.sh builds there.
  cmd = { 'flint-lsp' },
  -- Extra environment for the server process (e.g. { FLINT_API_KEY = ... }).
  cmd_env = nil,
  -- flint's settings (models, edit, completion, jobs): sent as initializationOptions and as
  -- the answer to workspace/configuration for section "flint".
  settings = {},
  -- Filetypes whose buffers get flint; "*" attaches to every file buffer.
  filetypes = {
    'c', 'cpp', 'cuda', 'objc', 'python', 'javascript', 'javascriptreact', 'typescript',
    'typescriptreact', 'go', 'rust', 'lua', 'java', 'kotlin', 'ruby', 'php', 'sh', 'bash',
    'zsh', 'cs', 'swift', 'scala', 'haskell', 'ocaml', 'elixir', 'zig', 'json', 'yaml',
    'toml', 'html', 'css', 'scss', 'markdown', 'sql', 'vim',
  },
  -- A folder, or function(bufnr) -> folder; nil searches upward for root_markers.
  root_dir = nil,
  root_markers = {
    '.git', '.hg', 'compile_commands.json', 'pyproject.toml', 'setup.py', 'package.json',
    'Cargo.toml', 'go.mod', 'Makefile', 'CMakeLists.txt',
  },
  -- Suggested key mappings: false (none), true (the defaults below) or a table overriding them.
  keymaps = false,
  -- While an edit session is live in a buffer: buffer-local normal-mode keys for accept,
  -- reject, steer and cancel (the `keymaps` keys, <leader>ia/ir/is/ic by default), never over
  -- a mapping of your own. false: none (the actions line then names the commands).
  session_keymaps = true,
  -- Ghost text while typing: vim.lsp.inline_completion where Neovim has it (0.12+), else
  -- drawn by the plugin with extmarks (ghost_text.lua).
  inline_completion = true,
  -- An agent job's result: true (it waits for :FlintJobApply / :FlintJobReview /
  -- :FlintJobDiscard; offered with vim.ui.select when you are idle in normal mode), false
  -- (applied as soon as it is ready), or function(summary) -> true (apply), false (discard) or
  -- nil (wait, as with true).
  confirm_agent_edits = true,
  -- Announce finished edit sessions (tokens, edits, time) with vim.notify.
  notify_results = true,
  -- Called as on_attach(client, bufnr) after flint attaches to a buffer.
  on_attach = nil,
}

---@type table<string, flint.Keymap>
M.default_keymaps = {
  edit = { modes = { 'n', 'x' }, lhs = '<leader>ie', desc = 'flint: inline edit' },
  steer = { modes = { 'n' }, lhs = '<leader>is', desc = 'flint: steer the session' },
  accept = { modes = { 'n' }, lhs = '<leader>ia', desc = 'flint: accept the edit' },
  reject = { modes = { 'n' }, lhs = '<leader>ir', desc = 'flint: reject the edit' },
  cancel = { modes = { 'n' }, lhs = '<leader>ic', desc = 'flint: cancel the session' },
  agent = { modes = { 'n', 'x' }, lhs = '<leader>ig', desc = 'flint: agent job' },
  jobs = { modes = { 'n' }, lhs = '<leader>ij', desc = 'flint: list jobs' },
  job_result = {
    modes = { 'n' }, lhs = '<leader>iJ', desc = "flint: review, apply or discard a job's result",
  },
  -- Ghost text (insert mode; ghost_keymaps.lua). Alt keys: Neovim maps none of them.
  ghost_accept = { modes = { 'i' }, lhs = '<M-l>', desc = 'flint: accept the ghost text' },
  ghost_accept_word = { modes = { 'i' }, lhs = '<M-w>', desc = 'flint: accept its next word' },
  ghost_dismiss = { modes = { 'i' }, lhs = '<M-]>', desc = 'flint: dismiss the ghost text' },
}

---@type flint.Options
M.options = vim.deepcopy(M.defaults)

--- Validates and merges `user` over the defaults; the result becomes config.options.
---@param user flint.SetupOptions|nil
---@return flint.Options
function M.apply(user)
  user = user or {}
  vim.validate({
    cmd = { user.cmd, 'table', true },
    settings = { user.settings, 'table', true },
    filetypes = { user.filetypes, 'table', true },
    root_dir = { user.root_dir, { 'string', 'function' }, true },
    on_attach = { user.on_attach, 'function', true },
    confirm_agent_edits = { user.confirm_agent_edits, { 'boolean', 'function' }, true },
  })
  local merged = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), user)
  -- Lists replace the defaults rather than merging index by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if user[key] then
      merged[key] = vim.deepcopy(user[key])
    end
  end
  M.options = merged
  return merged
end

--- Where a checkout's flint-lsp may be, relative to the repository root, in the order tried:
--- editors/nvim/build.sh's release build, the packaging build, the development build.
---@type string[]
M.build_folders = { 'build/release/bin', 'build/package/bin', 'build/bin' }

--- The repository this plugin belongs to (<repo>/editors/nvim/lua/flint/config.lua), or nil
--- when the plugin was copied elsewhere. Tests may set M.checkout.
---@type string|nil
M.checkout = (function()
  local source = debug.getinfo(1, 'S').source
  if source:sub(1, 1) ~= '@' then
    return nil
  end
  local repo = vim.fn.fnamemodify(source:sub(2), ':p:h:h:h:h:h')
  if vim.fn.filereadable(repo .. '/editors/nvim/lua/flint/config.lua') == 1 then
    return repo
  end
  return nil
end)()

--- How the server's argv was found, for messages and :checkhealth.
---@class flint.ServerCmd
---@field cmd string[] argv to start (cmd[1] resolved when it was found in a build folder).
---@field found boolean cmd[1] is executable.
---@field where string "$PATH", "the checkout's build/release/bin", "the cmd option", or "".
---@field tried string[] The places looked at, when `found` is false.

--- The server's argv: config.options.cmd, where a bare "flint-lsp" that $PATH lacks becomes
--- the first executable <checkout>/<build folder>/flint-lsp.
---@param cmd? string[] default: config.options.cmd
---@return flint.ServerCmd
function M.server_cmd(cmd)
  cmd = cmd or M.options.cmd or {}
  local program = cmd[1]
  if type(program) ~= 'string' or program == '' then
    return { cmd = cmd, found = false, where = '', tried = {} }
  end
  local bare = not program:find('/', 1, true)
  if vim.fn.executable(program) == 1 then
    return { cmd = cmd, found = true, where = bare and '$PATH' or 'the cmd option', tried = {} }
  end
  local tried = { bare and (program .. ' in $PATH') or program }
  if program == 'flint-lsp' and M.checkout then
    for _, folder in ipairs(M.build_folders) do
      local candidate = M.checkout .. '/' .. folder .. '/flint-lsp'
      if vim.fn.executable(candidate) == 1 then
        local resolved = vim.deepcopy(cmd)
        resolved[1] = candidate
        return { cmd = resolved, found = true, where = "the checkout's " .. folder, tried = {} }
      end
      table.insert(tried, candidate)
    end
  end
  return { cmd = cmd, found = false, where = '', tried = tried }
end

--- One line saying that the server was not found and what to do.
---@param server flint.ServerCmd
---@return string
function M.not_found_message(server)
  local program = tostring(server.cmd[1])
  if program ~= 'flint-lsp' then
    return ('flint: flint-lsp was not found: %s is not executable'
      .. ' (setup{ cmd = ... }, :checkhealth flint)'):format(program)
  end
  local fix = M.checkout
      and ('run %s/editors/nvim/build.sh (it names what is missing)'):format(M.checkout)
    or 'build flint-lsp'
  return ('flint: flint-lsp was not found (looked in $PATH%s): %s, or install the flint-lsp'
    .. ' .deb package, or set setup{ cmd = { "/path/to/flint-lsp" } }'):format(
    M.checkout and (' and ' .. M.checkout .. '/{' .. table.concat(M.build_folders, ',') .. '}')
      or '', fix)
end

return M
