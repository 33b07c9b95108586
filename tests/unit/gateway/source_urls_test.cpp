// The URLs the sources connect to: scheme decides TLS, Jetstream asks for posts and
// resumes with cursor=, Mastodon names each hashtag and keeps tokens out of display.
#include <gtest/gtest.h>

#include "gateway/sources/jetstream_source.hpp"
#include "gateway/sources/mastodon_source.hpp"
#include "gateway/sources/ws_client.hpp"

namespace companion::gateway {
namespace {

remote_endpoint parse(std::string_view url) {
  std::string error;
  auto endpoint = parse_endpoint(url, error);
  EXPECT_TRUE(endpoint) << url << ": " << error;
  return endpoint.value_or(remote_endpoint{});
}

TEST(RemoteEndpointTest, WssUsesTlsOnPort443) {
  auto endpoint = parse("wss://jetstream2.us-east.bsky.network/subscribe");
  EXPECT_TRUE(endpoint.tls);
  EXPECT_EQ(endpoint.host, "jetstream2.us-east.bsky.network");
  EXPECT_EQ(endpoint.port, "443");
  EXPECT_EQ(endpoint.target, "/subscribe");
  EXPECT_EQ(endpoint.host_header(), "jetstream2.us-east.bsky.network");
}

TEST(RemoteEndpointTest, WsWithPortIsPlain) {
  auto endpoint = parse("ws://127.0.0.1:9123/subscribe?x=1");
  EXPECT_FALSE(endpoint.tls);
  EXPECT_EQ(endpoint.port, "9123");
  EXPECT_EQ(endpoint.target, "/subscribe?x=1");
  EXPECT_EQ(endpoint.host_header(), "127.0.0.1:9123");
}

TEST(RemoteEndpointTest, HttpsServerWithoutPathTargetsRoot) {
  auto endpoint = parse("https://mastodon.social");
  EXPECT_TRUE(endpoint.tls);
  EXPECT_EQ(endpoint.target, "/");
}

TEST(RemoteEndpointTest, Ipv6HostInBrackets) {
  auto endpoint = parse("ws://[::1]:8080/x");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.port, "8080");
  EXPECT_EQ(endpoint.host_header(), "[::1]:8080");
}

TEST(RemoteEndpointTest, DisplayLeavesOutTheQuery) {
  auto endpoint = parse("wss://example.org/api/v1/streaming?access_token=secret");
  EXPECT_EQ(endpoint.display(), "wss://example.org/api/v1/streaming");
}

TEST(RemoteEndpointTest, RefusesOtherSchemesAndCredentials) {
  std::string error;
  EXPECT_FALSE(parse_endpoint("ftp://example.org/", error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(parse_endpoint("wss://user:pw@example.org/", error));
  EXPECT_FALSE(parse_endpoint("example.org", error));
  EXPECT_FALSE(parse_endpoint("ws://host:80x/", error));
}

TEST(UrlEncodeTest, EncodesAllButUnreserved) {
  EXPECT_EQ(url_encode("did:plc:abc"), "did%3Aplc%3Aabc");
  EXPECT_EQ(url_encode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(url_encode("日"), "%E6%97%A5");
}

TEST(JetstreamTargetTest, AsksForPostsOnly) {
  EXPECT_EQ(jetstream_source::subscribe_target("/subscribe", 0),
            "/subscribe?wantedCollections=app.bsky.feed.post");
}

TEST(JetstreamTargetTest, ResumesWithCursor) {
  EXPECT_EQ(jetstream_source::subscribe_target("/subscribe", 1713794400220702),
            "/subscribe?wantedCollections=app.bsky.feed.post&cursor=1713794400220702");
}

TEST(JetstreamTargetTest, KeepsOtherParametersAndReplacesItsOwn) {
  EXPECT_EQ(jetstream_source::subscribe_target("/subscribe?compress=false&cursor=5&wantedCollections=x", 9),
            "/subscribe?compress=false&wantedCollections=app.bsky.feed.post&cursor=9");
}

TEST(MastodonTargetTest, ServerUrlGetsTheStreamingPath) {
  auto endpoint = mastodon_source::streaming_endpoint(parse("https://mastodon.social/"));
  EXPECT_EQ(endpoint.target, "/api/v1/streaming");
  EXPECT_EQ(endpoint.display(), "wss://mastodon.social/api/v1/streaming");
}

TEST(MastodonTargetTest, StreamingUrlIsKept) {
  auto endpoint = mastodon_source::streaming_endpoint(parse("wss://streaming.example/api/v1/streaming"));
  EXPECT_EQ(endpoint.target, "/api/v1/streaming");
}

TEST(MastodonTargetTest, NamesTheHashtagInLowerCase) {
  EXPECT_EQ(mastodon_source::stream_target("/api/v1/streaming", "Road2NATO", ""),
            "/api/v1/streaming?stream=hashtag&tag=road2nato");
}

TEST(MastodonTargetTest, TokenInQueryOnlyWhenAsked) {
  EXPECT_EQ(mastodon_source::stream_target("/api/v1/streaming", "x", "t0k"),
            "/api/v1/streaming?stream=hashtag&tag=x&access_token=t0k");
}

}  // namespace
}  // namespace companion::gateway
