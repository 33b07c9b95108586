// Handshake key checks and the accept value, with SHA-1 and base64 from OpenSSL.
#include "gateway/protocol/ws_handshake.hpp"

#include <openssl/evp.h>

#include <array>

namespace companion::gateway {

namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::string websocket_accept_key(std::string_view sec_websocket_key) {
  std::string input;
  input.reserve(sec_websocket_key.size() + websocket_guid.size());
  input.append(sec_websocket_key).append(websocket_guid);

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha1(), nullptr) != 1)
    return {};

  // 20 digest bytes become 28 base64 characters plus the terminating NUL EVP_EncodeBlock writes.
  std::array<unsigned char, 32> encoded{};
  const int encoded_size = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_size));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(encoded_size));
}

bool is_valid_websocket_key(std::string_view key) {
  // 16 bytes encode as 22 significant characters and "==".
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (std::size_t i = 0; i < 22; ++i)
    if (!is_base64_char(key[i])) return false;
  // The last character carries 2 data bits and 4 zero bits: only A, Q, g or w.
  const char last = key[21];
  return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
}

}  // namespace companion::gateway
