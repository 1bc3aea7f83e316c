#pragma once
// Documents several end-to-end tests name. The sample texts stay in each test: every one is
// written for its own test's cursor positions and expected answers.
#include <string>

namespace flint::test {

// The Python module the inline-edit, code-action and inline-completion tests open.
inline const std::string kShapesUri = "file:///work/shapes.py";

// A document the editor never opened (nor is it on disk).
inline const std::string kUnknownUri = "file:///work/nope.py";

}  // namespace flint::test
