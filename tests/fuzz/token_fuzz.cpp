// Token and viewer id fuzzer. Input: [mode][bytes...]. Even mode verifies the bytes as a
// token and as a viewer id. Odd mode treats the bytes as "header.payload", signs them
// with the fuzzer's secret and verifies, so the claim checks behind the signature are
// reached too. Accepted tokens must satisfy every rule; base64 and base64url must be
// canonical.
// Every input is also read as a revocation's not-before line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/protocol/base64.hpp"
#include "gateway/protocol/jwt.hpp"
#include "gateway/protocol/viewer_id.hpp"

namespace {

using namespace companion::gateway;
namespace session = companion::session;

constexpr std::string_view secret = "fuzz-secret-0123456789abcdef";
constexpr std::string_view event_id = "summit";
constexpr session::millis now = 1'713'790'800'000;
constexpr session::millis leeway = 30'000;

void check_verdict(const token_verdict& verdict) {
  if (!verdict.ok) {
    if (verdict.why.empty() || verdict.why.size() > 64) std::abort();
    return;
  }
  const token_claims& c = verdict.claims;
  if (c.sub.empty() || c.role == session::role::viewer) std::abort();
  if (c.event != "*" && c.event != event_id) std::abort();
  if (now > c.expires_at + leeway) std::abort();
  if (c.issued_at < 0 || c.chain_started_at < 0 || c.chain_started_at > c.issued_at) std::abort();
  // A refresh never outlives its chain's end nor the ttl it was given.
  const session::millis limit = 3'600'000;
  if (const auto next = refreshed_claims(c, now, 60'000, limit)) {
    if (next->expires_at > now + 60'000 || next->expires_at > c.chain_started_at + limit) std::abort();
    if (next->chain_started_at != c.chain_started_at || next->issued_at != now) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  if ((data[0] & 1) == 0) {
    check_verdict(verify_token(input, secret, event_id, now, leeway));
    if (verify_viewer_id(input, secret)) {
      // Only ids this secret issued verify; random input must not forge one.
      if (input.size() != 48 || !input.starts_with("v1.")) std::abort();
    }
  } else {
    const auto mac = hmac_sha256(secret, input);
    if (!mac) std::abort();
    std::string token(input);
    token.push_back('.');
    token += base64url_encode(std::string_view(reinterpret_cast<const char*>(mac->data()), mac->size()));
    check_verdict(verify_token(token, secret, event_id, now, leeway));
  }

  if (const session::millis not_before = parse_tokens_not_before(input); not_before != 0) {
    if (not_before < 0 || not_before % 1000 != 0) std::abort();
  }

  if (const auto decoded = base64url_decode(input)) {
    if (base64url_encode(*decoded) != input) std::abort();
  }
  if (const auto decoded = base64_decode(input)) {
    if (base64_encode(*decoded) != input) std::abort();
  }
  return 0;
}
