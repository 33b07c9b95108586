// Viewer ids are MACed under their own label, so no viewer id can pass for any other
// value signed with the same server secret (tokens among them).
#include "gateway/protocol/viewer_id.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>

#include "gateway/protocol/base64.hpp"
#include "gateway/protocol/jwt.hpp"

namespace companion::gateway {

namespace {

constexpr std::string_view prefix = "v1.";
constexpr std::string_view mac_label = "companion viewer id ";
constexpr std::size_t nonce_bytes = 16;
constexpr std::size_t mac_bytes = 16;
constexpr std::size_t encoded_16_bytes = 22;
constexpr std::size_t id_size = prefix.size() + encoded_16_bytes + 1 + encoded_16_bytes;

std::optional<hmac_sha256_digest> viewer_mac(std::string_view secret, std::string_view versioned_nonce) {
  std::string input(mac_label);
  input.append(versioned_nonce);
  return hmac_sha256(secret, input);
}

}  // namespace

std::string issue_viewer_id(std::string_view secret) {
  std::array<unsigned char, nonce_bytes> nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) return {};
  std::string id(prefix);
  id += base64url_encode(std::string_view(reinterpret_cast<const char*>(nonce.data()), nonce.size()));
  const auto mac = viewer_mac(secret, id);
  if (!mac) return {};
  id.push_back('.');
  id += base64url_encode(std::string_view(reinterpret_cast<const char*>(mac->data()), mac_bytes));
  return id;
}

bool verify_viewer_id(std::string_view id, std::string_view secret) {
  if (secret.empty() || id.size() != id_size || !id.starts_with(prefix)) return false;
  const std::size_t dot = prefix.size() + encoded_16_bytes;
  if (id[dot] != '.') return false;
  const std::string_view versioned_nonce = id.substr(0, dot);
  const auto nonce = base64url_decode(versioned_nonce.substr(prefix.size()));
  const auto mac = base64url_decode(id.substr(dot + 1));
  if (!nonce || nonce->size() != nonce_bytes || !mac || mac->size() != mac_bytes) return false;
  const auto expected = viewer_mac(secret, versioned_nonce);
  return expected && CRYPTO_memcmp(mac->data(), expected->data(), mac_bytes) == 0;
}

}  // namespace companion::gateway
