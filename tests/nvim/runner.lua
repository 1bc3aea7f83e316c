-- Runs one end-to-end test script ($FLINT_TEST_SCRIPT) inside headless Neovim:
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=editors/nvim' -c 'luafile runner.lua'
-- (-l needs 0.9; luafile works on 0.7 too). Exits 0 when the script returns, 1 when it
-- raises (a failed assertion) or when the watchdog fires.
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
package.path = here .. '/?.lua;' .. package.path

local helpers = require('helpers')
helpers.run(os.getenv('FLINT_TEST_SCRIPT'))
