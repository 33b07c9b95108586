// base64 (RFC 4648 section 4) and base64url (section 5), both through OpenSSL's
// EVP_EncodeBlock / EVP_DecodeBlock. Decoding is strict so every byte string has
// exactly one accepted text: a token or viewer id cannot be respelled.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace companion::gateway {

// Padded, standard alphabet: the Sec-WebSocket-Accept value.
std::string base64_encode(std::string_view bytes);
// Padded, standard alphabet; rejects missing padding, whitespace and non-zero spare bits.
std::optional<std::string> base64_decode(std::string_view text);

// base64url without padding, as JWTs and viewer ids use it.
std::string base64url_encode(std::string_view bytes);
// Rejects padding, characters outside the url alphabet ('+' and '/' among them) and
// non-zero spare bits.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace companion::gateway
