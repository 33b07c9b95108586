// The URLs the sources connect to: scheme decides TLS, Jetstream asks for posts and
// resumes with cursor=, Mastodon names each hashtag and keeps tokens out of display; the
// query editing under them (Boost.URL).
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

TEST(RemoteEndpointTest, SchemeIsCaseInsensitiveAndTheFragmentStaysHome) {
  auto endpoint = parse("WSS://Example.org:8443/a/b?x=1#frag");
  EXPECT_TRUE(endpoint.tls);
  EXPECT_EQ(endpoint.port, "8443");
  EXPECT_EQ(endpoint.target, "/a/b?x=1");
  EXPECT_EQ(parse("http://example.org?x=1").target, "/?x=1");
}

TEST(RemoteEndpointTest, RefusesWhatIsNotAUrl) {
  std::string error;
  for (const char* bad : {"", "://x", "ws://", "ws:///path", "ws://[::1/x", "ws://[::1]x/", "ws://a b/",
                          "wss://h/%zz", "ws://h:-1/", "mailto:someone@example.org"}) {
    error.clear();
    EXPECT_FALSE(parse_endpoint(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(QueryTest, TargetPathDropsTheQuery) {
  EXPECT_EQ(target_path("/a/b?x=1&y=2"), "/a/b");
  EXPECT_EQ(target_path("/a"), "/a");
  EXPECT_EQ(target_path("/a%20b?q"), "/a%20b");
}

TEST(QueryTest, WithQuerySetsReplacesAndRemoves) {
  EXPECT_EQ(with_query("/x", {{"a", "1"}}), "/x?a=1");
  EXPECT_EQ(with_query("/x?a=0&b=2", {{"a", "1"}}), "/x?b=2&a=1");
  EXPECT_EQ(with_query("/x?a=0&b=2", {{"a", std::nullopt}}), "/x?b=2");
  EXPECT_EQ(with_query("/x?a=0", {{"a", std::nullopt}}), "/x");
  EXPECT_EQ(with_query("/x?b=2&&c", {{"a", "did:plc:a b"}}), "/x?b=2&c&a=did%3Aplc%3Aa%20b");
  EXPECT_EQ(with_query("", {{"a", ""}}), "/?a=");
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

TEST(MastodonTargetTest, TimelinePagesFromAnId) {
  EXPECT_EQ(
      mastodon_source::timeline_target("", "Road2NATO", "1234", ""),
      "/api/v1/timelines/tag/road2nato?min_id=1234&limit=" + std::to_string(mastodon_source::timeline_page));
  EXPECT_EQ(mastodon_source::timeline_target("/base", "a/b", "", "t 0"),
            "/base/api/v1/timelines/tag/a%2Fb?min_id=&limit=" +
                std::to_string(mastodon_source::timeline_page) + "&access_token=t%200");
}

TEST(MastodonTargetTest, TokenInQueryOnlyWhenAsked) {
  EXPECT_EQ(mastodon_source::stream_target("/api/v1/streaming", "x", "t0k"),
            "/api/v1/streaming?stream=hashtag&tag=x&access_token=t0k");
}

}  // namespace
}  // namespace companion::gateway
