// Fuzzes what a client sends on /ws as the gateway reads it: the session's commands and
// the gateway's own connection messages (hello with its event, token, viewer and resume
// point; ping; token.refresh), read in one pass. Any bytes give a message whose frame is
// a valid JSON object, or a refusal with a message and a usable id; the decoder is
// reused for every frame of a connection, so a second pass must agree.
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <type_traits>
#include <variant>

#include "gateway/net/client_message.hpp"

namespace {

using namespace companion;

void check(bool condition) {
  if (!condition) std::abort();
}

bool same_body(const gateway::client_message& a, const gateway::client_message& b) {
  if (a.body.index() != b.body.index()) return false;
  return std::visit(
      [&b](const auto& left) {
        using T = std::decay_t<decltype(left)>;
        const T& right = std::get<T>(b.body);
        if constexpr (std::is_same_v<T, gateway::hello>) {
          bool same_resume = left.resume.has_value() == right.resume.has_value() &&
                             (!left.resume || (left.resume->epoch == right.resume->epoch &&
                                               left.resume->seq == right.resume->seq));
          return left.event == right.event && left.token == right.token && left.viewer == right.viewer &&
                 same_resume;
        } else if constexpr (std::is_same_v<T, session::command_body>) {
          return left == right;
        } else {
          return true;  // ping and token.refresh carry nothing
        }
      },
      a.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gateway::client_decoder decoder;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gateway::client_message first;
  session::decode_failure failure;
  const bool accepted = decoder.decode(text, first, failure);
  if (accepted) {
    // Only valid JSON objects are accepted, however deep the parts the decoder ignores.
    boost::json::parse_options options;
    options.max_depth = 128;
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(text, ec, {}, options);
    check(!ec && parsed.is_object());
    check(first.id.is_null() || first.id.is_string() || first.id.is_int64());
  } else {
    check(!failure.message.empty());
    check(failure.id.is_null() || failure.id.is_string() || failure.id.is_int64());
  }
  gateway::client_message second;
  session::decode_failure second_failure;
  check(decoder.decode(text, second, second_failure) == accepted);
  if (accepted) {
    check(second.id == first.id && same_body(first, second));
  } else {
    check(second_failure.message == failure.message && second_failure.id == failure.id);
  }
  return 0;
}
