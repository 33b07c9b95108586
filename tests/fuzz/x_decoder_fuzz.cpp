// Fuzzes the X filtered-stream decoder. A decoded post must have an x: id and a URL.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hashtag-tracker/x_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static companion::tracker::x_decoder decoder;
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto result = decoder.decode(frame);
  if (auto* post = std::get_if<companion::tracker::decoded_post>(&result)) {
    if (!post->post.id.starts_with("x:") || !post->post.url.starts_with("https://x.com/")) __builtin_trap();
  }
  return 0;
}
