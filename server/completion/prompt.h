#pragma once
// The model requests of an inline completion. Stable parts come first (the file's path and
// the context from elsewhere in it), the windows around the cursor last, so that provider
// prompt caches hit from one keystroke to the next.
//
// FIM providers get prompt = header + prefix and suffix = suffix, where the header is the path
// and the context items written as line comments of the document's language (none for a
// language without line comments). Chat-only providers get a "fill the hole" conversation:
// the code with a <CURSOR> marker and a request for the inserted text only.

#include <string>
#include <string_view>

#include "server/completion/engine.h"
#include "server/models/model_types.h"

namespace flint {

inline constexpr std::string_view kCursorMarker = "<CURSOR>";

// "# ", "// ", "-- " for languages with line comments; empty otherwise.
std::string_view line_comment_prefix(std::string_view language_id);

// The header lines a FIM prompt starts with (empty when the language has no line comments).
std::string fim_header(const CompletionQuery& query);

models::FimRequest build_fim_request(const CompletionQuery& query, int max_tokens);
models::ChatRequest build_fill_request(const CompletionQuery& query, int max_tokens);

}  // namespace flint
