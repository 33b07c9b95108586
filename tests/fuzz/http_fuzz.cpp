// HTTP request handling fuzzer, on an in-memory stream. Input: [split seed][bytes...].
// The bytes go through Beast's request parser with the server's own limits, fed in
// pseudo-random pieces as a socket would deliver them, for up to a few pipelined
// requests. A WebSocket upgrade goes through the server's upgrade check and, when
// accepted, the bytes after it through the WebSocket frame parser (early frames);
// every other request goes through content negotiation (Accept-Encoding, If-None-Match)
// and gets the server's JSON error response, serialized.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include <boost/beast/core/string.hpp>

#include "gateway/config.hpp"
#include "gateway/net/http_api.hpp"
#include "gateway/net/http_session.hpp"
#include "gateway/net/static_site.hpp"
#include "gateway/protocol/ws_frame_parser.hpp"
#include "gateway/protocol/ws_handshake.hpp"

namespace {

using namespace companion::gateway;

// Pieces come from a small xorshift generator so every input replays identically.
struct splitter {
  std::uint32_t state;
  std::size_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return (state & 3) == 0 ? 1 + (state >> 8) % 2048 : 1 + (state >> 8) % 16;
  }
};

// The bytes after an accepted upgrade, as the WebSocket connection would read them.
void feed_websocket(std::string_view bytes, std::size_t max_frame_bytes) {
  ws_frame_parser parser(max_frame_bytes);
  while (!bytes.empty()) {
    ws_message message;
    auto result = parser.parse(bytes, message);
    if (result == ws_frame_parser::result::error || result == ws_frame_parser::result::need_more) return;
    if ((message.opcode == ws_opcode::text || message.opcode == ws_opcode::binary) &&
        message.payload.size() > max_frame_bytes)
      std::abort();
  }
}

void answer_upgrade(const http_request& request, std::string_view rest, const server_config& limits) {
  auto refusal = check_upgrade_request(request);
  if (refusal) {
    if (static_cast<unsigned>(refusal->status) < 400 || refusal->code.empty()) std::abort();
    auto response = json_error(request, refusal->status, refusal->code, refusal->message);
    std::ostringstream out;
    out << response;
    return;
  }
  // Accepted: the key is canonical base64 of 16 bytes, so the accept value is 28 characters.
  auto key = request[http::field::sec_websocket_key];
  if (websocket_accept_key(std::string_view(key.data(), key.size())).size() != 28) std::abort();
  feed_websocket(rest, limits.max_frame_bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const server_config limits{};
  splitter split{0x9E3779B9u ^ (std::uint32_t{data[0]} * 0x01000193u)};
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  // What the connection has read but the parser has not used yet (the session's flat_buffer).
  std::string pending;

  for (int requests = 0; requests < 4; ++requests) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_http_header_bytes));
    parser.body_limit(limits.max_http_body_bytes);
    beast::error_code ec;
    while (!parser.is_done()) {
      if (parser.is_header_done() && beast::iequals(parser.get()[http::field::upgrade], "websocket")) break;
      std::size_t used = pending.empty() ? 0 : parser.put(net::buffer(pending), ec);
      if (ec == http::error::need_more) ec = {};
      if (ec) break;
      pending.erase(0, used);
      if (used == 0 || pending.empty()) {
        if (input.empty()) {
          if (used == 0) break;  // the peer stopped half-way: the server's deadline ends this
          continue;
        }
        std::size_t chunk = std::min(split.next(), input.size());
        pending.append(input.substr(0, chunk));
        input.remove_prefix(chunk);
      }
    }
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      // The server answers 431 / 413; the request seen so far must respect the limits.
      if (ec == http::error::body_limit && parser.get().body().size() > limits.max_http_body_bytes)
        std::abort();
      return 0;
    }
    if (ec || !parser.is_header_done()) return 0;
    const http_request& request = parser.get();
    if (beast::iequals(request[http::field::upgrade], "websocket")) {
      pending.append(input);
      answer_upgrade(request, pending, limits);
      return 0;
    }
    if (!parser.is_done()) return 0;
    if (request.body().size() > limits.max_http_body_bytes) std::abort();
    // Content negotiation and validators read these headers on every static file.
    auto header = [&](http::field field) {
      return std::string_view(request[field].data(), request[field].size());
    };
    for (content_coding coding : {content_coding::br, content_coding::gzip, content_coding::identity}) {
      double q = coding_quality(header(http::field::accept_encoding), coding);
      if (!(q >= 0.0 && q <= 1.0)) std::abort();
    }
    if (etag_matches(header(http::field::if_none_match), "\"0123456789abcdef\"") &&
        header(http::field::if_none_match).find("0123456789abcdef") == std::string_view::npos &&
        header(http::field::if_none_match).find('*') == std::string_view::npos)
      std::abort();
    auto response = json_error(request, http::status::not_found, "not_found", "no such route");
    std::ostringstream out;
    out << response;
    if (!request.keep_alive()) return 0;
  }
  return 0;
}
