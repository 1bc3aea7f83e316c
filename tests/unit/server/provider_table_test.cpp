// The one provider table: config validation, --help and the VS Code settings all name the
// providers flint has, and no other.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/config.h"
#include "server/models/provider.h"

namespace flint {
namespace {

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (auto n : models::provider_names()) out.emplace_back(n);
  return out;
}

TEST(ProviderTable, EveryNameIsAProviderAndTheSettingsAcceptIt) {
  ASSERT_FALSE(names().empty());
  for (const auto& name : names()) {
    ASSERT_NE(models::find_provider(name), nullptr) << name;
    auto result =
        resolve_config({nlohmann::json{{"models", {{"fast", {{"provider", name}}}}}}}, {});
    EXPECT_TRUE(result.errors.empty()) << name << ": " << ::testing::PrintToString(result.errors);
  }
  auto bad = resolve_config({nlohmann::json{{"models", {{"fast", {{"provider", "gpt"}}}}}}}, {});
  ASSERT_EQ(bad.errors.size(), 1u);
  for (const auto& name : names()) EXPECT_NE(bad.errors[0].find(name), std::string::npos);
}

TEST(ProviderTable, TheVsCodeSettingsOfferExactlyTheseProviders) {
  std::ifstream in(std::string(FLINT_SOURCE_DIR) + "/editors/vscode/package.json");
  ASSERT_TRUE(in) << "editors/vscode/package.json";
  nlohmann::json manifest = nlohmann::json::parse(in);
  const auto& properties = manifest["contributes"]["configuration"]["properties"];
  for (const char* key : {"flint.models.fast.provider", "flint.models.agent.provider"}) {
    ASSERT_TRUE(properties.contains(key)) << key;
    EXPECT_EQ(properties[key]["enum"].get<std::vector<std::string>>(), names()) << key;
  }
}

TEST(ProviderTable, HelpListsThem) {
  std::string command = std::string(FLINT_LSP) + " --help";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buffer{};
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  EXPECT_EQ(pclose(pipe), 0);
  std::string listed;
  for (const auto& name : names()) listed += (listed.empty() ? "" : ", ") + name;
  EXPECT_NE(out.find("Providers: " + listed + "."), std::string::npos) << out;
}

}  // namespace
}  // namespace flint
