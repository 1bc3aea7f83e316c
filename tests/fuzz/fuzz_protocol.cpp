// Feeds arbitrary bytes through FrameReader into the Dispatcher with typed handlers bound,
// serialising every answer as the transport would. Any crash, sanitizer report or uncaught
// exception is a bug: malformed input must only ever produce error responses.
#include <cstddef>
#include <cstdint>

#include "protocol/dispatcher.h"
#include "protocol/framing.h"
#include "protocol/lsp_types.h"

using namespace flint::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t answered = 0;
  Dispatcher dispatcher([&](const json& message) {
    std::string text = serialize(message);
    answered += text.size();
  });
  dispatcher.request<Range, Range>("test/range",
                                   [](const Range& r, Reply<Range> reply) { reply(r); });
  dispatcher.notification<DidChangeTextDocumentParams>("textDocument/didChange",
                                                       [](const DidChangeTextDocumentParams& p) {
                                                         size_t total = 0;
                                                         for (const auto& change : p.contentChanges)
                                                           total += change.text.size();
                                                         (void)total;
                                                       });
  dispatcher.raw_request("test/hold", [](const json&, Reply<json> reply) {
    if (reply.token().is_cancelled()) reply(nullptr);
  });
  dispatcher.call("client/request", json::object(), [](Expected<json>) {});

  // Small cap so the fuzzer reaches the limit path.
  FrameReader reader([&](std::string body) { dispatcher.handle_message(body); },
                     [&](std::string) {}, 2048);
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Feed in two pieces split at a data-dependent point to exercise partial reads.
  size_t cut = size ? data[0] % (size + 1) : 0;
  reader.feed(bytes.substr(0, cut));
  reader.feed(bytes.substr(cut));
  dispatcher.fail_pending_calls("end of input");
  return 0;
}
