#pragma once
// `flint-lsp check`: reads the settings as the server would, sends each model role a tiny
// request and says what works and, for what does not, the fix. The Neovim plugin's
// `:checkhealth flint` and VS Code's "flint: Check Setup" run it and show its report.
//
//   flint-lsp check [--config FILE] [--settings FILE|-] [--json] [--timeout SECONDS]
//
// Settings layers, lowest first: the defaults, --config FILE, the environment (FLINT_*), then
// --settings (an editor's "flint" section; "-" reads it from stdin, so that a key in it never
// shows in a process listing). Exit status: 0 when every role answered, 1 when one did not or
// a setting is invalid, 2 on a usage error. API keys never appear in the report.

#include <functional>

#include "server/config.h"

namespace flint {

// argv[0] is "check". `getenv` reads the environment (tests pass their own).
int run_check_command(int argc, char** argv, const GetEnv& getenv);

}  // namespace flint
