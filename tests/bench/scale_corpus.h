#pragma once
// The documents scale_bench opens: real Python from the machine's standard library, cut into
// many files or joined into one big file, and generated JSON records. Deterministic, so that
// two binaries (or two runs) see the same bytes. scripts/bench-peers builds the same 200
// files by the same rule (python_files below): keep the two in step.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace flint::bench {

inline constexpr const char* kPythonLib = "/usr/lib/python3.11";

inline std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The .py files in kPythonLib (and below it when `recursive`), symlinks left out, joined in
// path order, each ending with a newline. The standard library is UTF-8 throughout, which
// the JSON of didOpen needs.
inline std::string python_sources(bool recursive) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  auto consider = [&](const fs::directory_entry& entry) {
    if (!entry.is_symlink() && entry.is_regular_file() && entry.path().extension() == ".py")
      paths.push_back(entry.path().string());
  };
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(kPythonLib)) consider(entry);
  } else {
    for (const auto& entry : fs::directory_iterator(kPythonLib)) consider(entry);
  }
  std::sort(paths.begin(), paths.end());
  std::string all;
  for (const std::string& path : paths) {
    all += read_whole(path);
    if (!all.empty() && all.back() != '\n') all += '\n';
  }
  return all;
}

// `count` distinct Python files of about `bytes` each: the whole library (recursive) cut
// into consecutive pieces, each ending at the first line end at or past `bytes` from its
// start, and headed by a comment naming it (so that no two are equal).
inline std::vector<std::string> python_files(int count, size_t bytes) {
  std::string all = python_sources(true);
  std::vector<std::string> files;
  size_t pos = 0;
  for (int i = 0; i < count; ++i) {
    if (pos >= all.size())
      throw std::runtime_error("not enough Python under " + std::string(kPythonLib));
    size_t nl = all.find('\n', pos + bytes);
    size_t end = nl == std::string::npos ? all.size() : nl + 1;
    files.push_back("# flint scale bench: file " + std::to_string(i) + "\n" +
                    all.substr(pos, end - pos));
    pos = end;
  }
  return files;
}

// The top-level modules of the library joined, cut after `lines` lines: real code, valid
// but for the last, truncated definition (and __future__ imports that are no longer first).
inline std::string big_python_file(int lines) {
  std::string all = python_sources(false);
  size_t pos = 0;
  for (int i = 0; i < lines; ++i) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) throw std::runtime_error("not enough lines of Python");
    pos = nl + 1;
  }
  return all.substr(0, pos);
}

// A data file as people open them: a pretty-printed array of nested customer records with
// orders, at least `bytes` long.
inline std::string big_json_file(size_t bytes) {
  using nlohmann::ordered_json;
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&state](uint64_t below) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % below;
  };
  const char* first[] = {"Ada",    "Grace", "Alan",     "Edsger", "Barbara",
                         "Donald", "Ken",   "Margaret", "Dennis", "Frances",
                         "John",   "Radia", "Tony",     "Leslie", "Niklaus"};
  const char* last[] = {"Lovelace", "Hopper",   "Turing",   "Dijkstra", "Liskov",
                        "Knuth",    "Thompson", "Hamilton", "Ritchie",  "Allen",
                        "McCarthy", "Perlman",  "Hoare",    "Lamport",  "Wirth"};
  const char* streets[] = {"Cedar Lane",  "Main Street", "Oak Avenue",  "Harbor Road",
                           "Mill Street", "Park Place",  "Station Road"};
  const char* cities[] = {"Springfield", "Riverton", "Lakeside", "Fairview",
                          "Georgetown",  "Ashland",  "Milton",   "Bristol"};
  const char* tags[] = {"vip",     "newsletter", "wholesale", "returning", "beta",
                        "overdue", "eu",         "us",        "apac"};
  ordered_json records = ordered_json::array();
  size_t estimate = 0;
  for (int id = 1;; ++id) {
    ordered_json r;
    std::string name = std::string(first[next(15)]) + " " + last[next(15)];
    r["id"] = id;
    r["guid"] = std::to_string(next(1u << 30)) + "-" + std::to_string(next(1u << 30));
    r["name"] = name;
    r["email"] = std::string(first[next(15)]) + "." + std::to_string(id) + "@example.com";
    r["active"] = next(3) != 0;
    r["balance"] = static_cast<double>(next(1000000)) / 100.0;
    r["registered"] = "20" + std::to_string(10 + next(15)) + "-0" + std::to_string(1 + next(9)) +
                      "-1" + std::to_string(next(10)) + "T08:3" + std::to_string(next(10)) + ":00Z";
    r["address"] = {
        {"street", std::to_string(1 + next(999)) + " " + streets[next(7)]},
        {"city", cities[next(8)]},
        {"zip", std::to_string(10000 + next(90000))},
        {"geo",
         {{"lat", static_cast<double>(static_cast<int64_t>(next(180000)) - 90000) / 1000.0},
          {"lng", static_cast<double>(static_cast<int64_t>(next(360000)) - 180000) / 1000.0}}}};
    ordered_json t = ordered_json::array();
    for (uint64_t k = next(4); k > 0; --k) t.push_back(tags[next(9)]);
    r["tags"] = t;
    ordered_json orders = ordered_json::array();
    for (uint64_t k = next(5); k > 0; --k) {
      orders.push_back({{"sku", "SKU-" + std::to_string(10000 + next(90000))},
                        {"quantity", 1 + next(9)},
                        {"price", static_cast<double>(99 + next(20000)) / 100.0},
                        {"shipped", next(2) == 1}});
    }
    r["orders"] = orders;
    // Each record at depth 1 is indented by two more spaces per line than on its own.
    std::string alone = r.dump(2);
    estimate += alone.size() +
                2 * static_cast<size_t>(std::count(alone.begin(), alone.end(), '\n') + 1) + 2;
    records.push_back(std::move(r));
    if (estimate >= bytes) break;
  }
  return records.dump(2) + "\n";
}

}  // namespace flint::bench
