// Fuzzes the generic post decoder and, through the same bytes, format sniffing and the
// whole ingest pipeline (match, dedup, rules), which must never crash on any line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hashtag-tracker/generic_decoder.hpp"
#include "hashtag-tracker/ingest_pipeline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace companion::tracker;
  static generic_decoder decoder;
  static ingest_pipeline pipeline({"Road2NATO", "NATOSummit", "Sécurité"}, moderation_rules{});
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto result = decoder.decode(line);
  if (auto* post = std::get_if<decoded_post>(&result)) {
    if (post->post.id.find(':') == std::string::npos || post->post.author_handle.empty()) __builtin_trap();
  }
  auto ingested = pipeline.ingest(line, wire_format::unknown, 1713794400000);
  if (auto* accepted = std::get_if<accepted_post>(&ingested)) {
    if (accepted->post.tags.empty() || accepted->decision.rule.empty()) __builtin_trap();
  }
  return 0;
}
