#pragma once
// `flint-lsp scope FILE LINE:COL[-LINE:COL]`: prints, as JSON on stdout, the region flint would
// edit for a cursor or selection, why, and the context it would send; for bug reports ("why
// did flint pick this?") and tests. Lines are 1-based; columns are 1-based in characters
// (code points). The printed `range` is a 0-based LSP range with UTF-16 columns.
//
// Options: --max-region-lines N (default 200, as edit.maxRegionLines), --context-bytes N
// (default 4096), --language ID (an LSP languageId or flint language id; default: from the
// file name).

namespace flint {

// argv[0] is "scope". Returns the process exit code: 0, 1 (file or I/O error), 2 (usage).
int run_scope_command(int argc, char** argv);

}  // namespace flint
