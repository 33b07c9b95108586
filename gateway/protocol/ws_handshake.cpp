// Handshake key checks and the accept value, with SHA-1 and base64 from OpenSSL.
#include "gateway/protocol/ws_handshake.hpp"

#include <openssl/evp.h>

#include <array>

#include "gateway/protocol/base64.hpp"

namespace companion::gateway {

namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

}  // namespace

std::string websocket_accept_key(std::string_view sec_websocket_key) {
  std::string input;
  input.reserve(sec_websocket_key.size() + websocket_guid.size());
  input.append(sec_websocket_key).append(websocket_guid);

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha1(), nullptr) != 1)
    return {};

  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest_size));
}

bool is_valid_websocket_key(std::string_view key) {
  // 16 bytes encode as 22 significant characters and "=="; the decoder refuses any
  // other spelling of them.
  const auto bytes = base64_decode(key);
  return bytes && bytes->size() == 16;
}

}  // namespace companion::gateway
