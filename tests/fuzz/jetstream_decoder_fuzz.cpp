// Fuzzes the Jetstream decoder: any bytes must give a result, never a crash, and a
// decoded post must carry the id and source every Bluesky post has.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hashtag-tracker/jetstream_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // One decoder for the whole run, as in production: the handle cache carries over.
  static companion::tracker::jetstream_decoder decoder(64);
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto result = decoder.decode(frame);
  if (auto* post = std::get_if<companion::tracker::decoded_post>(&result)) {
    if (!post->post.id.starts_with("bluesky:at://") || post->post.source != "bluesky") __builtin_trap();
    if (post->post.author_handle.empty()) __builtin_trap();
  }
  return 0;
}
