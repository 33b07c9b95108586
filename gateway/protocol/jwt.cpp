// HS256 tokens: base64url(header) "." base64url(claims) "." base64url(HMAC-SHA256).
// Verification order: size, shape, header, signature, and only then the claims, so
// nothing an attacker wrote is interpreted before it is known to be ours.
#include "gateway/protocol/jwt.hpp"

#include "gateway/protocol/base64.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace companion::gateway {

namespace {

// 9999-12-31T23:59:59Z; later `exp` values would overflow when turned into milliseconds.
constexpr std::int64_t max_exp_seconds = 253402300799;

token_verdict reject(std::string why) {
  token_verdict verdict;
  verdict.why = std::move(why);
  return verdict;
}

std::optional<boost::json::object> decode_json_object(std::string_view segment) {
  auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

// Names the offending alg only when it is a short plain word, so a reason never
// carries arbitrary attacker text.
std::string unsupported_alg(const boost::json::value& alg) {
  const auto* text = alg.if_string();
  if (text == nullptr || text->empty() || text->size() > 16) return "unsupported alg";
  for (char c : *text)
    if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_')
      return "unsupported alg";
  return "unsupported alg " + std::string(*text);
}

std::optional<std::int64_t> numeric_date(const boost::json::value& value) {
  if (const auto* i = value.if_int64()) return *i;
  if (const auto* d = value.if_double(); d != nullptr && std::isfinite(*d) && std::fabs(*d) <= 1e15)
    return static_cast<std::int64_t>(std::floor(*d));
  return std::nullopt;
}

// Empty when the header is exactly {"alg":"HS256"} with an optional "typ":"JWT".
std::string check_header(const boost::json::object& header) {
  const auto* alg = header.if_contains("alg");
  if (alg == nullptr) return "missing alg";
  if (const auto* text = alg->if_string(); text == nullptr || *text != "HS256") return unsupported_alg(*alg);
  for (const auto& member : header) {
    if (member.key() == "alg") continue;
    if (member.key() == "typ") {
      if (const auto* typ = member.value().if_string(); typ == nullptr || *typ != "JWT")
        return "unsupported typ";
      continue;
    }
    // kid, jku, crit, ...: nothing we sign carries them.
    return "unsupported header";
  }
  return {};
}

}  // namespace

std::optional<hmac_sha256_digest> hmac_sha256(std::string_view key, std::string_view data) {
  hmac_sha256_digest digest{};
  unsigned int size = 0;
  // Never hand OpenSSL a null key pointer, even for an empty key.
  static const unsigned char empty_key = 0;
  const auto* key_bytes = key.empty() ? &empty_key : reinterpret_cast<const unsigned char*>(key.data());
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(),
           &size) == nullptr ||
      size != digest.size())
    return std::nullopt;
  return digest;
}

std::string sign_token(const token_claims& claims, std::string_view secret) {
  const boost::json::object header{{"alg", "HS256"}, {"typ", "JWT"}};
  boost::json::object payload{{"sub", claims.sub},
                              {"role", session::to_string(claims.role)},
                              {"event", claims.event},
                              {"exp", claims.expires_at / 1000}};
  if (claims.issued_at > 0) payload["iat"] = claims.issued_at / 1000;
  if (claims.chain_started_at > 0) payload["orig_iat"] = claims.chain_started_at / 1000;
  std::string token = base64url_encode(boost::json::serialize(header));
  token.push_back('.');
  token += base64url_encode(boost::json::serialize(payload));
  const auto signature = hmac_sha256(secret, token);
  if (!signature) return {};
  token.push_back('.');
  token +=
      base64url_encode(std::string_view(reinterpret_cast<const char*>(signature->data()), signature->size()));
  return token;
}

token_verdict verify_token(std::string_view token, std::string_view secret, std::string_view event_id,
                           session::millis now, session::millis leeway) {
  if (token.size() > max_token_bytes) return reject("too large");
  if (secret.empty()) return reject("no secret");

  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return reject("malformed");
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos)
    return reject("malformed");
  const std::string_view header_part = token.substr(0, first_dot);
  const std::string_view payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_part = token.substr(second_dot + 1);
  if (header_part.empty() || payload_part.empty()) return reject("malformed");

  const auto header = decode_json_object(header_part);
  if (!header) return reject("malformed");
  if (std::string why = check_header(*header); !why.empty()) return reject(std::move(why));

  // An empty signature (the usual companion of alg none) decodes to zero bytes: bad signature.
  const auto signature = base64url_decode(signature_part);
  if (!signature) return reject("malformed");
  const auto expected = hmac_sha256(secret, token.substr(0, second_dot));
  if (!expected) return reject("internal");
  if (signature->size() != expected->size() ||
      CRYPTO_memcmp(signature->data(), expected->data(), expected->size()) != 0)
    return reject("bad signature");

  const auto payload = decode_json_object(payload_part);
  if (!payload) return reject("malformed");

  token_verdict verdict;
  const auto* sub = payload->if_contains("sub");
  if (sub == nullptr || !sub->is_string() || sub->get_string().empty()) return reject("missing sub");
  verdict.claims.sub = std::string(sub->get_string());

  const auto* role_value = payload->if_contains("role");
  const auto role = role_value != nullptr && role_value->is_string()
                        ? session::parse_role(role_value->get_string())
                        : std::nullopt;
  if (!role || *role == session::role::viewer) return reject("bad role");
  verdict.claims.role = *role;

  const auto* event = payload->if_contains("event");
  if (event == nullptr || !event->is_string() || event->get_string().empty()) return reject("missing event");
  verdict.claims.event = std::string(event->get_string());

  const auto* exp_value = payload->if_contains("exp");
  if (exp_value == nullptr) return reject("missing exp");
  const auto exp = numeric_date(*exp_value);
  if (!exp || *exp < 0 || *exp > max_exp_seconds) return reject("bad exp");
  verdict.claims.expires_at = *exp * 1000;
  if (now > verdict.claims.expires_at + leeway) return reject("expired");

  if (const auto* nbf_value = payload->if_contains("nbf")) {
    const auto nbf = numeric_date(*nbf_value);
    if (!nbf || *nbf < 0 || *nbf > max_exp_seconds) return reject("bad nbf");
    if (*nbf * 1000 > now + leeway) return reject("not yet valid");
  }

  // Issue times are informational to JWT but carry the revocation and refresh rules here.
  if (const auto* iat_value = payload->if_contains("iat")) {
    const auto iat = numeric_date(*iat_value);
    if (!iat || *iat < 0 || *iat > max_exp_seconds) return reject("bad iat");
    verdict.claims.issued_at = *iat * 1000;
  }
  verdict.claims.chain_started_at = verdict.claims.issued_at;
  if (const auto* orig_value = payload->if_contains("orig_iat")) {
    const auto orig = numeric_date(*orig_value);
    if (!orig || *orig < 0 || *orig * 1000 > verdict.claims.issued_at) return reject("bad orig_iat");
    verdict.claims.chain_started_at = *orig * 1000;
  }

  if (verdict.claims.event != "*" && verdict.claims.event != event_id) return reject("wrong event");

  verdict.ok = true;
  return verdict;
}

std::optional<token_claims> refreshed_claims(const token_claims& current, session::millis now,
                                             session::millis ttl, session::millis chain_limit) {
  const session::millis end = current.chain_started_at + chain_limit;
  // Whole seconds, as the token carries them: a fresh token must not outlive the end.
  if (now / 1000 * 1000 >= end / 1000 * 1000) return std::nullopt;
  token_claims next = current;
  next.issued_at = now;
  next.expires_at = std::min(now + ttl, end);
  return next;
}

session::millis parse_tokens_not_before(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  // Up to 9999-12-31, so the value in ms cannot overflow.
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || seconds < 0 ||
      seconds > 253402300799)
    return 0;
  return seconds * 1000;
}

std::string generate_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0x0F]);
  }
  return out;
}

}  // namespace companion::gateway
