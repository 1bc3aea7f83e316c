#pragma once
// Placeholder: the inline completion engine (textDocument/inlineCompletion) lands here.
namespace flint {
class CompletionEngine {
 public:
  virtual ~CompletionEngine() = default;
};
}  // namespace flint
