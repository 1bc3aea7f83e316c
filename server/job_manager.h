#pragma once
// Placeholder: the agent job manager lands here.
namespace flint {
class JobManager {
 public:
  virtual ~JobManager() = default;
};
}  // namespace flint
