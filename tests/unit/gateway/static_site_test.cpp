#include "gateway/net/static_site.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <unistd.h>

#include <fstream>

#include "gateway/net/compression.hpp"

namespace companion::gateway {
namespace {

std::string gunzip(const std::string& input) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

TEST(AcceptEncodingTest, ListedCodingsTakeTheirQuality) {
  EXPECT_EQ(coding_quality("gzip, deflate, br", content_coding::br), 1.0);
  EXPECT_EQ(coding_quality("gzip;q=0.5, br;q=0.25", content_coding::gzip), 0.5);
  EXPECT_EQ(coding_quality("gzip;q=0.5, br;q=0.25", content_coding::br), 0.25);
  EXPECT_EQ(coding_quality("br;q=0", content_coding::br), 0.0);
}

TEST(AcceptEncodingTest, WildcardCoversWhatIsNotListed) {
  EXPECT_EQ(coding_quality("*", content_coding::br), 1.0);
  EXPECT_EQ(coding_quality("gzip;q=0, *;q=0.3", content_coding::gzip), 0.0);
  EXPECT_EQ(coding_quality("gzip;q=0, *;q=0.3", content_coding::br), 0.3);
}

TEST(AcceptEncodingTest, AbsentHeaderMeansIdentityOnly) {
  EXPECT_EQ(coding_quality("", content_coding::gzip), 0.0);
  EXPECT_EQ(coding_quality("", content_coding::identity), 1.0);
}

TEST(AcceptEncodingTest, CaseSpacesAndAliases) {
  EXPECT_EQ(coding_quality("  GZip ; Q=0.7 ", content_coding::gzip), 0.7);
  EXPECT_EQ(coding_quality("x-gzip", content_coding::gzip), 1.0);
}

TEST(AcceptEncodingTest, MalformedQualityRefusesTheCoding) {
  for (std::string_view bad : {"br;q=", "br;q=2", "br;q=-1", "br;q=0.5x", "br;q=abc"})
    EXPECT_EQ(coding_quality(bad, content_coding::br), 0.0) << bad;
}

TEST(EtagTest, MatchesListsWeakTagsAndStar) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" * ", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abc-br\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));
}

TEST(AssetPathTest, RewritesExactAssetPathsInQuotes) {
  auto is_asset = [](std::string_view path) { return path == "/js/a.js" || path == "/css/b.css"; };
  EXPECT_EQ(rewrite_asset_paths(R"(<script src="/js/a.js"></script><link href='/css/b.css'>)", "/assets/h",
                                is_asset),
            R"(<script src="/assets/h/js/a.js"></script><link href='/assets/h/css/b.css'>)");
}

TEST(AssetPathTest, LeavesEverythingElseAlone) {
  auto is_asset = [](std::string_view path) { return path == "/js/a.js"; };
  for (std::string_view html : {R"(<a href="/produce">)", R"(<p>"/js/a.js is here"</p>)",
                                R"(<img src="/js/a.jsx">)", R"(<br/>"/js/a.js)", R"("/)", "\"", ""})
    EXPECT_EQ(rewrite_asset_paths(html, "/assets/h", is_asset), html);
}

TEST(CompressionTest, GzipAndBrotliShrinkTextAndGzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "export function line_" + std::to_string(i) + "() { return 42; }\n";
  std::string gz = gzip_compress(text);
  EXPECT_LT(gz.size(), text.size() / 4);
  EXPECT_EQ(gunzip(gz), text);
  EXPECT_LT(brotli_compress(text).size(), gz.size());
  EXPECT_EQ(gunzip(gzip_compress("")), "");
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("static-site-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "js");
    write("index.html", R"(<link href="/css/x.css"><script type="module" src="/js/app.js"></script>)");
    std::filesystem::create_directories(root_ / "css");
    write("css/x.css", std::string(2000, 'a'));
    write("js/app.js", "import { f } from './lib.js';\n" + std::string(1000, ' ') + "f();\n");
    write("js/lib.js", "export function f() {}\n");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& name, const std::string& body) { std::ofstream(root_ / name) << body; }
  std::unique_ptr<static_site> load() {
    auto site = std::make_unique<static_site>();
    std::string error;
    EXPECT_TRUE(site->load(root_, error)) << error;
    site->finish_compression();
    return site;
  }

  std::filesystem::path root_;
};

TEST_F(StaticSiteTest, PageNamesTheHashedFolderAndRevalidates) {
  auto site_owner = load();
  const static_site& site = *site_owner;
  auto page = site.find("/");
  ASSERT_TRUE(page.file);
  EXPECT_EQ(page.cache_control, static_site::revalidate);
  const std::string& html = page.file->representation(content_coding::identity).body;
  EXPECT_NE(html.find("src=\"" + site.asset_prefix() + "/js/app.js\""), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"" + site.asset_prefix() + "/css/x.css\""), std::string::npos) << html;
}

TEST_F(StaticSiteTest, HashedAssetsAreImmutableAndKeepTheirBytes) {
  auto site_owner = load();
  const static_site& site = *site_owner;
  auto asset = site.find(site.asset_prefix() + "/js/lib.js");
  ASSERT_TRUE(asset.file);
  EXPECT_EQ(asset.cache_control, static_site::immutable);
  EXPECT_EQ(asset.file->representation(content_coding::identity).body, "export function f() {}\n");
  EXPECT_FALSE(site.find(site.asset_prefix() + "/index.html").file);
  EXPECT_EQ(site.find("/js/lib.js").cache_control, static_site::revalidate);
}

TEST_F(StaticSiteTest, AnyAssetChangeRenamesTheFolderAndThePageEtag) {
  auto before_owner = load();
  const static_site& before = *before_owner;
  write("js/lib.js", "export function f() { return 1; }\n");
  auto after_owner = load();
  const static_site& after = *after_owner;
  EXPECT_NE(before.asset_prefix(), after.asset_prefix());
  EXPECT_NE(before.find("/").file->representation(content_coding::identity).etag,
            after.find("/").file->representation(content_coding::identity).etag);
  // The same files give the same names: restarts and other replicas agree.
  EXPECT_EQ(after.asset_prefix(), load()->asset_prefix());
}

TEST_F(StaticSiteTest, CompressedOnlyWhereItSaves) {
  auto site_owner = load();
  const static_site& site = *site_owner;
  const static_file& css = *site.find("/css/x.css").file;
  EXPECT_TRUE(css.compressible);
  EXPECT_TRUE(css.has(content_coding::br));
  EXPECT_EQ(gunzip(css.representation(content_coding::gzip).body), std::string(2000, 'a'));
  EXPECT_EQ(css.pick("gzip, br"), content_coding::br);
  EXPECT_EQ(css.pick("gzip"), content_coding::gzip);
  EXPECT_EQ(css.pick(""), content_coding::identity);
  // 24 bytes do not shrink under gzip's header and trailer.
  const static_file& lib = *site.find("/js/lib.js").file;
  EXPECT_FALSE(lib.has(content_coding::gzip));
  EXPECT_FALSE(lib.has(content_coding::br));
  EXPECT_EQ(lib.pick("gzip"), content_coding::identity);
}

}  // namespace
}  // namespace companion::gateway
