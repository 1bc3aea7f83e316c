-- editors/nvim/build.sh, the plugin managers' build step, decides without building anything
-- here: flint-lsp on $PATH -> nothing to build; a tool or library missing -> a message naming
-- it, the Debian packages to install and the .deb, exit 1; everything there -> (--dry-run)
-- the configure and build commands of the server alone. $PATH holds only stubs.
local h = require('helpers')

local script = h.repo .. '/editors/nvim/build.sh'
local work = h.tempdir()

--- A folder of executable stubs: { name = shell body }.
local function stubs(list)
  local dir = h.tempdir()
  for name, body in pairs(list) do
    h.write_file(dir .. '/' .. name, '#!/bin/sh\n' .. body .. '\n')
    vim.fn.setfperm(dir .. '/' .. name, 'rwxr-xr-x')
  end
  return dir
end

--- A folder with the headers build.sh looks for (all but `without`).
local function includes(without)
  local dir = h.tempdir()
  for _, header in ipairs({ 'nlohmann/json.hpp', 'asio.hpp', 'spdlog/spdlog.h', 'fmt/format.h' }) do
    if header ~= without then
      h.write_file(dir .. '/' .. header, '')
    end
  end
  return dir
end

--- Runs build.sh with `path` as $PATH; returns exit status and output (stdout and stderr).
local function build(path, include_dir, ...)
  local output = vim.fn.system(vim.list_extend({ '/usr/bin/env', '-i', 'PATH=' .. path,
    'HOME=' .. work, 'FLINT_BUILD_INCLUDE_DIRS=' .. include_dir, '/bin/bash', '-c',
    'exec /bin/bash "$0" "$@" 2>&1', script }, { ... }))
  h.log(output)
  return vim.v.shell_error, output
end

local tools = {
  cmake = 'exit 0',
  ninja = 'exit 0',
  ['g++'] = 'echo 12',
  ['pkg-config'] = 'exit 0',
  node = 'exit 0',
  npm = 'exit 0',
}

-- flint-lsp on $PATH: nothing is built.
local with_server = stubs(vim.tbl_extend('force', tools, { ['flint-lsp'] = 'exit 0' }))
local status, output = build(with_server, includes(), '--dry-run')
h.eq(0, status, 'exit status with flint-lsp on $PATH')
h.contains(output, 'flint-lsp is on $PATH (' .. with_server .. '/flint-lsp): nothing to build',
  'says why nothing is built')
h.truthy(not output:find('would run: cmake', 1, true), 'and builds nothing')

-- cmake missing.
local no_cmake = vim.deepcopy(tools)
no_cmake.cmake = nil
status, output = build(stubs(no_cmake), includes(), '--dry-run')
h.eq(1, status, 'exit status without cmake')
h.contains(output, '  - cmake\n', 'names cmake')
h.contains(output, 'sudo apt install cmake\n', 'and its package')
h.contains(output, 'flint-lsp_<version>_amd64.deb', 'and the .deb')
h.truthy(not output:find('would run', 1, true), 'runs nothing')

-- An old g++ and no clang, libgit2 and asio missing: each named, each package listed once.
local several = vim.tbl_extend('force', tools, {
  ['g++'] = 'echo 11',
  ['pkg-config'] = 'case "$*" in *libgit2*) exit 1;; esac; exit 0',
})
status, output = build(stubs(several), includes('asio.hpp'), '--dry-run')
h.eq(1, status, 'exit status with several things missing')
h.contains(output, 'a C++20 compiler (g++ >= 12 or clang++ >= 14)', 'names the compiler')
h.contains(output, 'libgit2 (pkg-config libgit2)', 'names libgit2')
h.contains(output, '  - asio.hpp\n', 'names asio')
h.contains(output, 'sudo apt install g++ libgit2-dev libasio-dev\n', 'lists their packages')

-- Everything there (clang++ 14 next to an old g++): the server alone, in build/release.
local ready = vim.tbl_extend('force', tools, { ['g++'] = 'echo 11', ['clang++'] = 'echo 14.0.6' })
status, output = build(stubs(ready), includes(), '--dry-run')
h.eq(0, status, 'exit status of a dry run with everything there')
h.contains(output, 'with clang++', 'picks clang++ 14')
h.contains(output, ('would run: cmake -S %s -B %s/build/release'):format(h.repo, h.repo),
  'configures build/release')
if vim.fn.filereadable(h.repo .. '/build/release/CMakeCache.txt') == 1 then
  -- A folder configured before (scripts/demo, with the tests) keeps its choices.
  h.truthy(not output:find('-DFLINT_TESTS', 1, true), 'an existing build/release is kept as it is')
else
  h.contains(output, '-G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang'
    .. ' -DCMAKE_BUILD_TYPE=Release -DFLINT_TESTS=OFF -DFLINT_BENCH=OFF', 'a release build, no tests')
end
h.contains(output, ('would run: cmake --build %s/build/release --target flint-lsp'):format(h.repo),
  'builds flint-lsp alone')
h.contains(output, 'dry run: nothing was built', 'says it built nothing')

-- --force builds even with flint-lsp on $PATH.
status, output = build(with_server, includes(), '--dry-run', '--force')
h.eq(0, status, 'exit status of --force')
h.contains(output, 'would run: cmake --build', '--force builds')

-- :help has the install section's tags, and helptags still runs without an error (E154).
local doc = h.tempdir()
h.write_file(doc .. '/flint.txt', h.read_file(h.repo .. '/editors/nvim/doc/flint.txt'))
vim.cmd('helptags ' .. vim.fn.fnameescape(doc))
local tags = h.read_file(doc .. '/tags') or ''
for _, tag in ipairs({ 'flint-install', 'flint-lazy', 'flint-packer', 'flint-vim-plug',
  'flint-build', 'flint-checkhealth' }) do
  h.contains(tags, tag .. '\tflint.txt', 'help tag ' .. tag)
end
