// HS256 staff and ingest tokens: signing and every rejection rule.
#include "gateway/protocol/jwt.hpp"

#include "gateway/protocol/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace companion::gateway {
namespace {

using session::millis;
using session::role;

constexpr std::string_view secret = "0123456789abcdef0123456789abcdef";
constexpr millis now = 1'713'790'800'000;

std::string b64(std::string_view text) {
  return base64url_encode(text);
}

// Builds a token from raw header and payload JSON, signed like a real one, so tests can
// reach the checks that sit behind the signature.
std::string forge(std::string_view header_json, std::string_view payload_json,
                  std::string_view key = secret) {
  std::string token = b64(header_json) + "." + b64(payload_json);
  const auto mac = hmac_sha256(key, token);
  return token + "." + b64(std::string_view(reinterpret_cast<const char*>(mac->data()), mac->size()));
}

constexpr std::string_view hs256 = R"({"alg":"HS256","typ":"JWT"})";
const std::string good_payload = R"({"sub":"ana","role":"producer","event":"summit","exp":1713794400})";

class JwtTest : public testing::Test {
 protected:
  token_claims claims_{"ana", role::producer, "summit", now + 3'600'000};

  token_verdict verify(std::string_view token, std::string_view event = "summit", millis at = now) {
    return verify_token(token, secret, event, at);
  }
};

TEST_F(JwtTest, SignedTokenVerifiesWithItsClaims) {
  const token_verdict verdict = verify(sign_token(claims_, secret));
  ASSERT_TRUE(verdict.ok) << verdict.why;
  EXPECT_EQ(verdict.claims.sub, "ana");
  EXPECT_EQ(verdict.claims.role, role::producer);
  EXPECT_EQ(verdict.claims.event, "summit");
  EXPECT_EQ(verdict.claims.expires_at, now + 3'600'000);
}

TEST_F(JwtTest, ExpiryIsCarriedInWholeSeconds) {
  claims_.expires_at = now + 1'999;
  const token_verdict verdict = verify(sign_token(claims_, secret));
  ASSERT_TRUE(verdict.ok);
  EXPECT_EQ(verdict.claims.expires_at, now + 1'000);
}

TEST_F(JwtTest, EveryStaffRoleIsAccepted) {
  for (role r : {role::moderator, role::producer, role::ingest}) {
    claims_.role = r;
    const token_verdict verdict = verify(sign_token(claims_, secret));
    ASSERT_TRUE(verdict.ok) << verdict.why;
    EXPECT_EQ(verdict.claims.role, r);
  }
}

TEST_F(JwtTest, ExpiredTokenIsRejected) {
  claims_.expires_at = now - 31'000;
  const token_verdict verdict = verify(sign_token(claims_, secret));
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.why, "expired");
}

TEST_F(JwtTest, TokenExpiredWithinTheLeewayIsAccepted) {
  claims_.expires_at = now - 20'000;
  EXPECT_TRUE(verify(sign_token(claims_, secret)).ok);
  EXPECT_FALSE(verify_token(sign_token(claims_, secret), secret, "summit", now, 10'000).ok);
}

TEST_F(JwtTest, AlgNoneIsRejectedWithOrWithoutASignature) {
  for (std::string_view alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string header = std::string(R"({"alg":")") + std::string(alg) + R"("})";
    const std::string unsigned_token = b64(header) + "." + b64(good_payload) + ".";
    EXPECT_EQ(verify(unsigned_token).why, "unsupported alg " + std::string(alg));
    EXPECT_FALSE(verify(forge(header, good_payload)).ok);
  }
}

TEST_F(JwtTest, OtherAlgorithmsAreRejected) {
  EXPECT_EQ(verify(forge(R"({"alg":"RS256","typ":"JWT"})", good_payload)).why, "unsupported alg RS256");
  EXPECT_EQ(verify(forge(R"({"alg":"HS512","typ":"JWT"})", good_payload)).why, "unsupported alg HS512");
  EXPECT_EQ(verify(forge(R"({"alg":"hs256"})", good_payload)).why, "unsupported alg hs256");
  EXPECT_EQ(verify(forge(R"({"alg":256})", good_payload)).why, "unsupported alg");
  EXPECT_EQ(verify(forge(R"({"typ":"JWT"})", good_payload)).why, "missing alg");
}

TEST_F(JwtTest, AttackerTextIsNotEchoedInTheReason) {
  const std::string alg(40, 'X');
  const token_verdict verdict = verify(forge(R"({"alg":")" + alg + R"("})", good_payload));
  EXPECT_EQ(verdict.why, "unsupported alg");
  EXPECT_EQ(verify(forge(R"({"alg":"<script>"})", good_payload)).why, "unsupported alg");
}

TEST_F(JwtTest, HeaderWithoutTypIsAccepted) {
  EXPECT_TRUE(verify(forge(R"({"alg":"HS256"})", good_payload)).ok);
}

TEST_F(JwtTest, UnexpectedHeaderFieldsAreRejected) {
  EXPECT_EQ(verify(forge(R"({"alg":"HS256","typ":"JWS"})", good_payload)).why, "unsupported typ");
  EXPECT_EQ(verify(forge(R"({"alg":"HS256","kid":"k1"})", good_payload)).why, "unsupported header");
  EXPECT_EQ(verify(forge(R"({"alg":"HS256","crit":["exp"]})", good_payload)).why, "unsupported header");
}

TEST_F(JwtTest, WrongSecretIsBadSignature) {
  const token_verdict verdict = verify(sign_token(claims_, "another secret"));
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.why, "bad signature");
}

TEST_F(JwtTest, TamperedPayloadIsBadSignature) {
  claims_.role = role::moderator;
  const std::string token = sign_token(claims_, secret);
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  claims_.role = role::producer;
  const std::string other = sign_token(claims_, secret);
  const std::size_t other_first = other.find('.');
  const std::size_t other_second = other.find('.', other_first + 1);
  // The producer payload under the moderator signature.
  const std::string tampered = token.substr(0, first + 1) +
                               other.substr(other_first + 1, other_second - other_first - 1) +
                               token.substr(second);
  EXPECT_EQ(verify(tampered).why, "bad signature");
}

TEST_F(JwtTest, TruncatedOrEmptySignatureIsBadSignature) {
  const std::string token = sign_token(claims_, secret);
  // 40 of 43 characters: 30 whole bytes of the 32-byte MAC.
  EXPECT_EQ(verify(token.substr(0, token.size() - 3)).why, "bad signature");
  EXPECT_EQ(verify(token.substr(0, token.rfind('.') + 1)).why, "bad signature");
}

TEST_F(JwtTest, WrongEventIsRejected) {
  EXPECT_EQ(verify(sign_token(claims_, secret), "another-event").why, "wrong event");
}

TEST_F(JwtTest, StarEventMatchesEveryEvent) {
  claims_.event = "*";
  EXPECT_TRUE(verify(sign_token(claims_, secret), "summit").ok);
  EXPECT_TRUE(verify(sign_token(claims_, secret), "another-event").ok);
}

TEST_F(JwtTest, MalformedSegmentsAreRejected) {
  const std::string token = sign_token(claims_, secret);
  const std::string h = token.substr(0, token.find('.'));
  for (const std::string& bad : {std::string(), std::string("abc"), std::string("a.b"), token + ".x",
                                 "." + token.substr(h.size() + 1), h + "..sig", std::string("..")}) {
    const token_verdict verdict = verify(bad);
    EXPECT_FALSE(verdict.ok);
    EXPECT_EQ(verdict.why, "malformed") << bad;
  }
}

TEST_F(JwtTest, BadBase64IsMalformed) {
  const std::string token = sign_token(claims_, secret);
  EXPECT_EQ(verify("%%%" + token.substr(token.find('.'))).why, "malformed");
  // Padding is not base64url as JWTs use it.
  EXPECT_EQ(verify(b64(hs256) + "=" + token.substr(token.find('.'))).why, "malformed");
  EXPECT_EQ(verify(token + "=").why, "malformed");
  // Standard-alphabet characters.
  EXPECT_EQ(verify(token.substr(0, token.rfind('.') + 1) + "ab+/").why, "malformed");
}

TEST_F(JwtTest, NonJsonSegmentsAreMalformed) {
  EXPECT_EQ(verify(forge("not json", good_payload)).why, "malformed");
  EXPECT_EQ(verify(forge(R"(["alg","HS256"])", good_payload)).why, "malformed");
  EXPECT_EQ(verify(forge(hs256, "{\"sub\":")).why, "malformed");
}

TEST_F(JwtTest, ViewerAndUnknownRolesAreRejected) {
  EXPECT_EQ(verify(forge(hs256, R"({"sub":"a","role":"viewer","event":"summit","exp":1713794400})")).why,
            "bad role");
  EXPECT_EQ(verify(forge(hs256, R"({"sub":"a","role":"admin","event":"summit","exp":1713794400})")).why,
            "bad role");
  EXPECT_EQ(verify(forge(hs256, R"({"sub":"a","event":"summit","exp":1713794400})")).why, "bad role");
}

TEST_F(JwtTest, MissingClaimsAreRejected) {
  EXPECT_EQ(verify(forge(hs256, R"({"role":"producer","event":"summit","exp":1713794400})")).why,
            "missing sub");
  EXPECT_EQ(verify(forge(hs256, R"({"sub":7,"role":"producer","event":"summit","exp":1713794400})")).why,
            "missing sub");
  EXPECT_EQ(verify(forge(hs256, R"({"sub":"a","role":"producer","exp":1713794400})")).why, "missing event");
  EXPECT_EQ(verify(forge(hs256, R"({"sub":"a","role":"producer","event":"summit"})")).why, "missing exp");
  EXPECT_EQ(verify(forge(hs256, R"({"sub":"a","role":"producer","event":"summit","exp":"soon"})")).why,
            "bad exp");
  EXPECT_EQ(verify(forge(hs256, R"({"sub":"a","role":"producer","event":"summit","exp":1e300})")).why,
            "bad exp");
}

TEST_F(JwtTest, FractionalExpIsAccepted) {
  const token_verdict verdict =
      verify(forge(hs256, R"({"sub":"a","role":"producer","event":"summit","exp":1713794400.75})"));
  ASSERT_TRUE(verdict.ok) << verdict.why;
  EXPECT_EQ(verdict.claims.expires_at, 1'713'794'400'000);
}

TEST_F(JwtTest, NotBeforeInTheFutureIsRejected) {
  EXPECT_EQ(
      verify(
          forge(hs256, R"({"sub":"a","role":"producer","event":"summit","exp":1713794400,"nbf":1713794000})"))
          .why,
      "not yet valid");
  EXPECT_TRUE(
      verify(
          forge(hs256, R"({"sub":"a","role":"producer","event":"summit","exp":1713794400,"nbf":1713790000})"))
          .ok);
}

TEST_F(JwtTest, OversizedTokenIsRejectedBeforeDecoding) {
  claims_.sub = std::string(4000, 'a');
  const std::string token = sign_token(claims_, secret);
  ASSERT_GT(token.size(), max_token_bytes);
  EXPECT_EQ(verify(token).why, "too large");
}

TEST_F(JwtTest, EmptySecretVerifiesNothing) {
  EXPECT_FALSE(verify_token(sign_token(claims_, ""), "", "summit", now).ok);
}

// ---- Issue times: revocation and refresh chains ----

TEST_F(JwtTest, IssueTimeAndChainStartRoundTripInWholeSeconds) {
  claims_.issued_at = now - 1'500;
  claims_.chain_started_at = now - 7'200'999;
  const token_verdict verdict = verify(sign_token(claims_, secret));
  ASSERT_TRUE(verdict.ok) << verdict.why;
  EXPECT_EQ(verdict.claims.issued_at, now - 2'000);
  EXPECT_EQ(verdict.claims.chain_started_at, now - 7'201'000);
}

TEST_F(JwtTest, WithoutIssueTimesTheTokenCountsAsIssuedAtZero) {
  const token_verdict verdict = verify(forge(hs256, good_payload));
  ASSERT_TRUE(verdict.ok) << verdict.why;
  EXPECT_EQ(verdict.claims.issued_at, 0);
  EXPECT_EQ(verdict.claims.chain_started_at, 0);
  EXPECT_TRUE(issued_before(verdict.claims, 1'000));
  EXPECT_FALSE(issued_before(verdict.claims, 0)) << "no revocation, nothing refused";
}

TEST_F(JwtTest, ChainStartDefaultsToTheIssueTime) {
  const token_verdict verdict = verify(
      forge(hs256, R"({"sub":"ana","role":"producer","event":"summit","exp":1713794400,"iat":1713790000})"));
  ASSERT_TRUE(verdict.ok) << verdict.why;
  EXPECT_EQ(verdict.claims.issued_at, 1'713'790'000'000);
  EXPECT_EQ(verdict.claims.chain_started_at, 1'713'790'000'000);
}

TEST_F(JwtTest, BadIssueTimesAreRefused) {
  const std::string base = R"({"sub":"ana","role":"producer","event":"summit","exp":1713794400)";
  EXPECT_EQ(verify(forge(hs256, base + R"(,"iat":"yesterday"})")).why, "bad iat");
  EXPECT_EQ(verify(forge(hs256, base + R"(,"iat":-5})")).why, "bad iat");
  EXPECT_EQ(verify(forge(hs256, base + R"(,"iat":1713790000,"orig_iat":"x"})")).why, "bad orig_iat");
  // A chain cannot start after its own token was issued (or without an issue time).
  EXPECT_EQ(verify(forge(hs256, base + R"(,"iat":1713790000,"orig_iat":1713790001})")).why, "bad orig_iat");
  EXPECT_EQ(verify(forge(hs256, base + R"(,"orig_iat":1713790000})")).why, "bad orig_iat");
}

TEST_F(JwtTest, IssuedBeforeComparesWithTheNotBeforeTime) {
  claims_.issued_at = now;
  EXPECT_TRUE(issued_before(claims_, now + 1'000));
  EXPECT_FALSE(issued_before(claims_, now));
  EXPECT_FALSE(issued_before(claims_, now - 1'000));
}

TEST(TokenRefreshTest, ARefreshCarriesTheChainStartAndLastsTheTtl) {
  const millis hour = 3'600'000, day = 24 * hour;
  token_claims current{"ana", role::moderator, "summit", now + 60'000, now - hour, now - 5 * hour};
  const auto next = refreshed_claims(current, now, hour, day);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->sub, "ana");
  EXPECT_EQ(next->role, role::moderator);
  EXPECT_EQ(next->event, "summit");
  EXPECT_EQ(next->issued_at, now);
  EXPECT_EQ(next->chain_started_at, now - 5 * hour);
  EXPECT_EQ(next->expires_at, now + hour);
  // Signed and read back, the chain start survives the round trip.
  const token_verdict verdict = verify_token(sign_token(*next, secret), secret, "summit", now);
  ASSERT_TRUE(verdict.ok) << verdict.why;
  EXPECT_EQ(verdict.claims.chain_started_at, now - 5 * hour);
}

TEST(TokenRefreshTest, TheLastRefreshEndsAtTheChainLimitAndThenThereIsNone) {
  const millis hour = 3'600'000, day = 24 * hour;
  token_claims current{"ana", role::producer, "summit", now, now - hour, now - day + 20 * 60'000};
  const auto last = refreshed_claims(current, now, hour, day);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->expires_at, now + 20 * 60'000) << "capped at the chain's end, not an hour";
  EXPECT_FALSE(refreshed_claims(*last, now + 20 * 60'000, hour, day).has_value());
  EXPECT_FALSE(refreshed_claims(*last, now + 21 * 60'000, hour, day).has_value());
  EXPECT_FALSE(refreshed_claims(current, now, hour, 0).has_value()) << "a zero limit allows no refresh";
}

TEST(TokensNotBeforeTest, ParsesWholeSecondsAndNothingElse) {
  EXPECT_EQ(parse_tokens_not_before("1713790801\n"), 1'713'790'801'000);
  EXPECT_EQ(parse_tokens_not_before("1713790801"), 1'713'790'801'000);
  EXPECT_EQ(parse_tokens_not_before("0"), 0);
  for (std::string_view bad :
       {"", "\n", "-1", "17137.5", "1713790801x", " 1713790801", "99999999999999999999", "253402300800"})
    EXPECT_EQ(parse_tokens_not_before(bad), 0) << bad;
}

TEST(JwtSecretTest, GeneratesSixtyFourHexCharactersAndNeverRepeats) {
  const std::string a = generate_secret();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, generate_secret());
}

}  // namespace
}  // namespace companion::gateway
