// Fuzzes the Mastodon streaming decoder, including the payload parsed as a second
// document and the HTML converted to text. A decoded post must be plain text with an id.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hashtag-tracker/mastodon_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Shared across inputs so deletes can resolve ids remembered from earlier updates.
  static companion::tracker::mastodon_decoder decoder(256);
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto result = decoder.decode(frame);
  if (auto* post = std::get_if<companion::tracker::decoded_post>(&result)) {
    if (!post->post.id.starts_with("mastodon:") || post->post.link_count < 0) __builtin_trap();
  }
  return 0;
}
