// OpenSSL does the encoding; this file only maps the url alphabet onto the standard one
// and holds the strictness OpenSSL lacks (it accepts whitespace and any spare bits).
#include "gateway/protocol/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace companion::gateway {

namespace {

bool is_standard_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool is_url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Decodes padded standard base64 whose characters are already checked. EVP_DecodeBlock
// counts the padding as zero bytes; they are taken off again.
std::optional<std::string> decode_checked(std::string_view padded) {
  if (padded.size() % 4 != 0) return std::nullopt;
  std::string out(padded.size() / 4 * 3, '\0');
  const int size =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
  if (size < 0 || static_cast<std::size_t>(size) != out.size()) return std::nullopt;
  std::size_t pad = 0;
  if (!padded.empty() && padded.back() == '=') ++pad;
  if (padded.size() >= 2 && padded[padded.size() - 2] == '=') ++pad;
  out.resize(out.size() - pad);
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  // EVP_EncodeBlock writes a terminating NUL after the 4 characters per 3 bytes.
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int size =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(size, 0)));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  const std::string_view body = text.substr(0, text.size() - pad);
  if (!std::all_of(body.begin(), body.end(), is_standard_char)) return std::nullopt;
  auto out = decode_checked(text);
  // Spare bits set would give a second text for the same bytes.
  if (!out || base64_encode(*out) != text) return std::nullopt;
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out = base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // A lone trailing character cannot encode a whole byte.
  if (text.size() % 4 == 1) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), is_url_char)) return std::nullopt;
  std::string padded(text);
  std::replace(padded.begin(), padded.end(), '-', '+');
  std::replace(padded.begin(), padded.end(), '_', '/');
  padded.append((4 - padded.size() % 4) % 4, '=');
  auto out = decode_checked(padded);
  if (!out || base64url_encode(*out) != text) return std::nullopt;
  return out;
}

}  // namespace companion::gateway
