// flint's own job messages: flint/jobPreview's params read as leniently as before they were
// typed, and a job's status as flint/jobChanged and flint/jobs describe it.
#include <gtest/gtest.h>

#include "server/command_types.h"

namespace flint {
namespace {

using nlohmann::json;

TEST(JobTypes, APreviewWithoutAJobIdNamesNoJob) {
  EXPECT_EQ(json({{"jobId", "job-3"}}).get<JobPreviewParams>().jobId, "job-3");
  // The handler answers these as an unknown job ("no such job: "), as it always did.
  EXPECT_EQ(json::object().get<JobPreviewParams>().jobId, "");
  EXPECT_EQ(json::array({1, 2}).get<JobPreviewParams>().jobId, "");
  EXPECT_THROW(json({{"jobId", 3}}).get<JobPreviewParams>(), json::exception);
}

TEST(JobTypes, AStatusLeavesOutWhatIsEmpty) {
  JobStatus running;
  running.jobId = "job-1";
  running.title = "tidy";
  running.state = "running";
  running.percentage = 40;
  EXPECT_EQ(
      json(running),
      json({{"jobId", "job-1"}, {"title", "tidy"}, {"state", "running"}, {"percentage", 40}}));

  JobStatus ready{"job-2",
                  "tidy",
                  "ready",
                  "applying",
                  std::nullopt,
                  "2 files changed",
                  std::vector<std::string>{"file:///a.py", "file:///b.py"},
                  size_t{3}};
  EXPECT_EQ(json(ready), json({{"jobId", "job-2"},
                               {"title", "tidy"},
                               {"state", "ready"},
                               {"message", "applying"},
                               {"summary", "2 files changed"},
                               {"files", {"file:///a.py", "file:///b.py"}},
                               {"changes", 3}}));
}

}  // namespace
}  // namespace flint
