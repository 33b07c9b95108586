// Event files: the shipped events load, and every kind of mistake in a file is
// refused with the JSON path of the field and the reason.
#include "session/event_definition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <variant>

namespace companion::session {
namespace {

const std::filesystem::path source_dir{COMPANION_SOURCE_DIR};
const std::filesystem::path bad_files_dir = source_dir / "tests/unit/session/data";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

event_definition load_good(const std::filesystem::path& path) {
  auto result = parse_event_definition(read_text(path), path.string());
  if (const auto* error = std::get_if<event_load_error>(&result)) {
    ADD_FAILURE() << error->message();
    return {};
  }
  return std::get<event_definition>(std::move(result));
}

std::optional<event_load_error> refusal(std::string_view text) {
  auto result = parse_event_definition(text, "inline.json");
  if (const auto* error = std::get_if<event_load_error>(&result)) return *error;
  return std::nullopt;
}

// A small valid event that single tests alter with one mistake.
std::string valid_event_with(std::string_view replace, std::string_view with) {
  std::string text = R"({"id":"demo","title":"Demo","summary":"","hashtags":["Demo"],
    "starts_at":"2024-04-22T14:00:00Z",
    "agenda":[{"id":"opening","kind":"opening","title":"Opening","planned_minutes":5,"speakers":[]}]})";
  if (!replace.empty()) {
    const auto at = text.find(replace);
    EXPECT_NE(at, std::string::npos) << replace;
    if (at != std::string::npos) text.replace(at, replace.size(), with);
  }
  return text;
}

class RealEventFileTest : public ::testing::Test {
 protected:
  event_definition event_ = load_good(source_dir / "events/nato-indo-pacific-2024.json");
};

TEST_F(RealEventFileTest, LoadsWithItsIdentity) {
  EXPECT_EQ(event_.id, "nato-indo-pacific-2024");
  EXPECT_NE(event_.title.find("Indo-Pacific"), std::string::npos);
  EXPECT_FALSE(event_.summary.empty());
  EXPECT_EQ(event_.hashtags, (std::vector<std::string>{"Road2NATO", "NATOSummit"}));
}

TEST_F(RealEventFileTest, StartsAtTenInWashingtonOnApril22) {
  EXPECT_EQ(event_.starts_at, 1713794400000);
}

TEST_F(RealEventFileTest, HasTheFullRunOfShow) {
  ASSERT_GE(event_.segments.size(), 5u);
  EXPECT_EQ(event_.segments.front().kind, "opening");
  EXPECT_EQ(event_.segments.back().kind, "closing");
  int total = 0;
  for (const auto& segment : event_.segments) total += segment.planned_minutes;
  EXPECT_GE(total, 75);
  EXPECT_LE(total, 120);
}

TEST_F(RealEventFileTest, OpeningAndKeynoteSpeakersAreRight) {
  ASSERT_GE(event_.segments.size(), 2u);
  ASSERT_EQ(event_.segments[0].speakers.size(), 1u);
  EXPECT_EQ(event_.segments[0].speakers[0].name, "Lise Grande");
  EXPECT_EQ(event_.segments[0].speakers[0].title, "President and CEO, U.S. Institute of Peace");
  ASSERT_EQ(event_.segments[1].speakers.size(), 1u);
  EXPECT_EQ(event_.segments[1].kind, "keynote");
  EXPECT_EQ(event_.segments[1].speakers[0].name, "Kurt M. Campbell");
  EXPECT_EQ(event_.segments[1].speakers[0].title, "Deputy Secretary, U.S. Department of State");
}

TEST_F(RealEventFileTest, PanelIsModeratedByHadleyWithFourPanelists) {
  const auto panel = std::find_if(event_.segments.begin(), event_.segments.end(),
                                  [](const segment_definition& s) { return s.kind == "panel"; });
  ASSERT_NE(panel, event_.segments.end());
  const std::vector<speaker> expected{
      {"Stephen J. Hadley", "moderator", "Former Chair, Board of Directors, U.S. Institute of Peace"},
      {"Douglas D. Jones", "panelist",
       "Deputy Assistant Secretary for European and Eurasian Affairs, U.S. Department of State"},
      {"Ellison S. Laskowski", "panelist",
       "Senior Advisor for East Asian and Pacific Affairs, U.S. Department of State"},
      {"John Manza", "panelist", "Former NATO Assistant Secretary General for Operations"},
      {"Mirna Galic", "panelist", "Chair, USIP Expert Study Group on NATO and Indo-Pacific Partners"},
  };
  ASSERT_EQ(panel->speakers.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(panel->speakers[i].name, expected[i].name);
    EXPECT_EQ(panel->speakers[i].role, expected[i].role);
    EXPECT_EQ(panel->speakers[i].title, expected[i].title);
  }
}

TEST_F(RealEventFileTest, AudienceQuestionsAreModeratedByHadley) {
  const auto qa = std::find_if(event_.segments.begin(), event_.segments.end(),
                               [](const segment_definition& s) { return s.kind == "qa"; });
  ASSERT_NE(qa, event_.segments.end());
  ASSERT_EQ(qa->speakers.size(), 1u);
  EXPECT_EQ(qa->speakers[0].name, "Stephen J. Hadley");
  EXPECT_EQ(qa->speakers[0].role, "moderator");
}

TEST_F(RealEventFileTest, KeepsRelatedPublicationsAsLinks) {
  ASSERT_EQ(event_.links.size(), 4u);
  EXPECT_EQ(event_.links[0].title, "In the Pacific, Aid Should Be About More than Competition with China");
  EXPECT_EQ(event_.links[0].kind, "Analysis");
  EXPECT_EQ(event_.links[0].published, "2024-10-17");
  EXPECT_EQ(event_.links[2].kind, "Question and Answer");
  for (const auto& link : event_.links) EXPECT_FALSE(link.summary.empty()) << link.title;
}

TEST_F(RealEventFileTest, PremoderatesQuestions) {
  EXPECT_TRUE(event_.questions_premoderated);
}

TEST_F(RealEventFileTest, KeepsSourcesAndModerationVerbatim) {
  // The bundled event names no live sources; the demo replays its posts from the command line.
  EXPECT_TRUE(event_.sources.empty());
  EXPECT_EQ(event_.moderation.at("trusted_authors").as_array().size(), 5u);
  EXPECT_EQ(event_.moderation.at("max_links"), 3);
  EXPECT_EQ(event_.moderation.at("per_author_per_minute"), 5);
  EXPECT_EQ(event_.moderation.at("drop_reposts"), true);
  EXPECT_EQ(event_.moderation.at("drop_replies"), false);
}

TEST_F(RealEventFileTest, PublicJsonHasTheProtocolFields) {
  const auto json = event_to_json(event_);
  EXPECT_EQ(json.size(), 12u);
  EXPECT_EQ(json.at("id"), "nato-indo-pacific-2024");
  // No playable stream is known for the recording: the pages link to its page instead.
  EXPECT_EQ(json.at("stream").at("kind"), "none");
  EXPECT_EQ(json.at("stream").at("url"), "https://www.usip.org/events/road-washingtons-nato-summit");
  EXPECT_EQ(json.at("reactions").as_array().size(), 6u);
  EXPECT_EQ(json.at("show_timers"), true);
  EXPECT_EQ(json.at("title"), event_.title.c_str());
  EXPECT_EQ(json.at("summary"), event_.summary.c_str());
  EXPECT_EQ(json.at("hashtags"), boost::json::parse(R"(["Road2NATO","NATOSummit"])"));
  EXPECT_EQ(json.at("stream_url"), "");
  EXPECT_EQ(json.at("starts_at"), 1713794400000);
  ASSERT_EQ(json.at("links").as_array().size(), 4u);
  const auto& link = json.at("links").as_array()[2].as_object();
  EXPECT_EQ(link.at("title"), "India’s BRICS Balancing Act");
  EXPECT_EQ(link.at("url"), "");
  EXPECT_EQ(link.at("kind"), "Question and Answer");
  EXPECT_EQ(link.at("published"), "2024-10-17");
  EXPECT_TRUE(link.at("summary").is_string());
}

TEST(ShowTimersTest, EventFileCanHideTimersFromViewers) {
  auto result = parse_event_definition(
      R"({"id":"e","title":"E","summary":"","hashtags":["x"],"starts_at":"2024-04-22T14:00:00Z",
          "show_timers":false,"agenda":[{"id":"a","kind":"opening","title":"A","planned_minutes":5}]})",
      "e.json");
  ASSERT_TRUE(std::holds_alternative<event_definition>(result));
  EXPECT_FALSE(std::get<event_definition>(result).show_timers);
  EXPECT_EQ(event_to_json(std::get<event_definition>(result)).at("show_timers"), false);
}

TEST(ShowTimersTest, ShowTimersMustBeABoolean) {
  auto result = parse_event_definition(
      R"({"id":"e","title":"E","summary":"","hashtags":["x"],"starts_at":"2024-04-22T14:00:00Z",
          "show_timers":"yes","agenda":[{"id":"a","kind":"opening","title":"A","planned_minutes":5}]})",
      "e.json");
  ASSERT_TRUE(std::holds_alternative<event_load_error>(result));
  EXPECT_EQ(std::get<event_load_error>(result).message(), "e.json: show_timers: must be true or false");
}

TEST(ExampleEventFileTest, DemoEventLoadsWithOptionalPartsLeftOut) {
  const auto event = load_good(source_dir / "events/examples/companion-demo.json");
  EXPECT_EQ(event.id, "companion-demo");
  EXPECT_EQ(event.starts_at, 1714555800000);
  EXPECT_EQ(event.hashtags, (std::vector<std::string>{"CompanionDemo", "デモ"}));
  EXPECT_EQ(event.stream_url, "https://example.org/live/companion-demo");
  EXPECT_FALSE(event.questions_premoderated);
  EXPECT_TRUE(event.links.empty());
  EXPECT_TRUE(event.sources.empty());
  EXPECT_TRUE(event.moderation.empty());
  ASSERT_GE(event.segments.size(), 3u);
  EXPECT_EQ(event.segments[2].kind, "break");
  EXPECT_TRUE(event.segments[2].speakers.empty());
}

// One bad file per kind of mistake, with the field it must name and words the reason must contain.
struct bad_file_case {
  const char* file;
  const char* field;
  const char* why;
};

class BadEventFileTest : public ::testing::TestWithParam<bad_file_case> {};

TEST_P(BadEventFileTest, IsRefusedNamingTheFieldAndWhy) {
  const auto& expected = GetParam();
  const auto path = bad_files_dir / expected.file;
  auto result = parse_event_definition(read_text(path), path.string());
  const auto* error = std::get_if<event_load_error>(&result);
  ASSERT_NE(error, nullptr) << expected.file << " was accepted";
  EXPECT_EQ(error->file, path.string());
  EXPECT_EQ(error->field, expected.field);
  EXPECT_NE(error->why.find(expected.why), std::string::npos) << "why was: " << error->why;
  EXPECT_EQ(error->message(), path.string() + ": " + expected.field + ": " + error->why);
}

INSTANTIATE_TEST_SUITE_P(
    EachMistake, BadEventFileTest,
    ::testing::Values(
        bad_file_case{"missing_title.json", "title", "missing"},
        bad_file_case{"missing_agenda.json", "agenda", "missing"},
        bad_file_case{"title_not_string.json", "title", "must be a string"},
        bad_file_case{"hashtags_not_array.json", "hashtags", "must be an array of strings"},
        bad_file_case{"hashtag_with_hash.json", "hashtags[1]", "without '#'"},
        bad_file_case{"bad_id.json", "id", "lowercase letters, digits and '-'"},
        bad_file_case{"empty_agenda.json", "agenda", "must have at least one segment"},
        bad_file_case{"duplicate_segment_id.json", "agenda[2].id", "duplicate segment id \"panel\""},
        bad_file_case{"bad_kind.json", "agenda[1].kind",
                      "unknown kind \"talk\" (expected opening|keynote|panel|qa|break|closing)"},
        bad_file_case{"bad_time.json", "starts_at", "not an ISO 8601 UTC time"},
        bad_file_case{"bad_planned_minutes.json", "agenda[2].planned_minutes", "must be 1..600"},
        bad_file_case{"planned_minutes_not_number.json", "agenda[0].planned_minutes", "whole number"},
        bad_file_case{"bad_speaker_role.json", "agenda[1].speakers[1].role", "unknown role \"guest\""},
        bad_file_case{"unknown_key.json", "sumary", "unknown key (did you mean \"summary\"?)"},
        bad_file_case{"unknown_segment_key.json", "agenda[0].speaker",
                      "unknown key (did you mean \"speakers\"?)"},
        bad_file_case{"bad_link_url.json", "links[0].url", "http:// or https://"},
        bad_file_case{"invalid_json.json", "(root)", "invalid JSON at line 43, column"},
        bad_file_case{"not_an_object.json", "(root)", "must be a JSON object"}),
    [](const ::testing::TestParamInfo<bad_file_case>& test) {
      std::string name = test.param.file;
      name = name.substr(0, name.find('.'));
      std::string camel;
      bool upper = true;
      for (char c : name) {
        if (c == '_') {
          upper = true;
        } else {
          camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
          upper = false;
        }
      }
      return camel;
    });

TEST(EventDefinitionTest, MinimalEventLoads) {
  auto result = parse_event_definition(valid_event_with("", ""), "inline.json");
  ASSERT_TRUE(std::holds_alternative<event_definition>(result))
      << std::get<event_load_error>(result).message();
  const auto& event = std::get<event_definition>(result);
  EXPECT_EQ(event.id, "demo");
  EXPECT_TRUE(event.stream_url.empty());
  EXPECT_TRUE(event.questions_premoderated);
}

TEST(EventDefinitionTest, EmptyTextIsInvalidJson) {
  const auto error = refusal("");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "(root)");
  EXPECT_NE(error->why.find("invalid JSON at line 1, column 1"), std::string::npos) << error->why;
}

TEST(EventDefinitionTest, TrailingTextAfterTheObjectIsInvalidJson) {
  const auto error = refusal(valid_event_with("", "") + " {}");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "(root)");
  EXPECT_NE(error->why.find("invalid JSON"), std::string::npos);
}

TEST(EventDefinitionTest, InvalidUtf8IsInvalidJson) {
  const auto error = refusal(valid_event_with("\"Demo\",\"summary\"", "\"De\xffmo\",\"summary\""));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "(root)");
}

TEST(EventDefinitionTest, DeepNestingIsRefusedWithoutCrashing) {
  const auto error = refusal(valid_event_with("\"summary\":\"\"", "\"summary\":" + std::string(5000, '[')));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "(root)");
}

TEST(EventDefinitionTest, IdLongerThan64CharactersIsRefused) {
  const auto error = refusal(valid_event_with("\"id\":\"demo\"", "\"id\":\"" + std::string(65, 'a') + "\""));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "id");
  EXPECT_NE(error->why.find("1..64"), std::string::npos);
}

TEST(EventDefinitionTest, SegmentIdMustBeLowercase) {
  const auto error = refusal(valid_event_with("\"id\":\"opening\"", "\"id\":\"Opening\""));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "agenda[0].id");
}

TEST(EventDefinitionTest, EmptyHashtagListIsRefused) {
  const auto error = refusal(valid_event_with("[\"Demo\"]", "[]"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "hashtags");
  EXPECT_EQ(error->why, "must not be empty");
}

TEST(EventDefinitionTest, HashtagWithPunctuationIsRefused) {
  const auto error = refusal(valid_event_with("[\"Demo\"]", "[\"Road-2-NATO\"]"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "hashtags[0]");
  EXPECT_NE(error->why.find("letters, digits and '_'"), std::string::npos);
}

TEST(EventDefinitionTest, HashtagRepeatedInAnotherCaseIsRefused) {
  const auto error = refusal(valid_event_with("[\"Demo\"]", "[\"Demo\",\"DEMO\"]"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "hashtags[1]");
  EXPECT_EQ(error->why, "duplicate hashtag \"DEMO\"");
}

TEST(EventDefinitionTest, HashtagWithNonAsciiLettersLoads) {
  EXPECT_FALSE(refusal(valid_event_with("[\"Demo\"]", "[\"나토\",\"北大西洋条約機構\"]")));
}

TEST(EventDefinitionTest, PlannedMinutesZeroIsOutOfRange) {
  const auto error = refusal(valid_event_with("\"planned_minutes\":5", "\"planned_minutes\":0"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "agenda[0].planned_minutes");
  EXPECT_EQ(error->why, "must be 1..600");
}

TEST(EventDefinitionTest, PlannedMinutesFractionIsRefused) {
  const auto error = refusal(valid_event_with("\"planned_minutes\":5", "\"planned_minutes\":5.5"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "agenda[0].planned_minutes");
  EXPECT_EQ(error->why, "must be a whole number of minutes");
}

TEST(EventDefinitionTest, HugePlannedMinutesIsOutOfRange) {
  const auto error =
      refusal(valid_event_with("\"planned_minutes\":5", "\"planned_minutes\":18446744073709551615"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->why, "must be 1..600");
}

TEST(EventDefinitionTest, SegmentWithoutSpeakersLoads) {
  EXPECT_FALSE(refusal(valid_event_with(",\"speakers\":[]", "")));
}

TEST(EventDefinitionTest, SpeakerWithoutTitleIsRefused) {
  const auto error =
      refusal(valid_event_with("\"speakers\":[]", R"("speakers":[{"name":"A","role":"host"}])"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "agenda[0].speakers[0].title");
  EXPECT_EQ(error->why, "missing");
}

TEST(EventDefinitionTest, UnknownKeyFarFromAnyFieldListsTheExpectedKeys) {
  const auto error = refusal(valid_event_with("\"summary\":\"\"", "\"summary\":\"\",\"venue\":\"USIP\""));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "venue");
  EXPECT_NE(error->why.find("expected id, title, summary"), std::string::npos) << error->why;
}

TEST(EventDefinitionTest, EmptyKeyIsNamedQuoted) {
  const auto error = refusal(valid_event_with("\"summary\":\"\"", "\"summary\":\"\",\"\":1"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "[\"\"]");
  EXPECT_NE(error->why.find("unknown key (expected"), std::string::npos) << error->why;
}

TEST(EventDefinitionTest, UnknownKeyWithSpacesIsNamedQuotedUnderItsParent) {
  const auto error =
      refusal(valid_event_with("\"planned_minutes\":5", "\"planned_minutes\":5,\"speaker notes\":\"\""));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "agenda[0][\"speaker notes\"]");
}

TEST(EventDefinitionTest, QaPremoderateMustBeBoolean) {
  const auto error =
      refusal(valid_event_with("\"summary\":\"\"", R"("summary":"","qa":{"premoderate":"yes"})"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "qa.premoderate");
  EXPECT_EQ(error->why, "must be true or false");
}

TEST(EventDefinitionTest, QaCanTurnPremoderationOff) {
  auto result = parse_event_definition(
      valid_event_with("\"summary\":\"\"", R"("summary":"","qa":{"premoderate":false})"), "x");
  ASSERT_TRUE(std::holds_alternative<event_definition>(result));
  EXPECT_FALSE(std::get<event_definition>(result).questions_premoderated);
}

TEST(EventDefinitionTest, ModerationMustBeAnObject) {
  const auto error = refusal(valid_event_with("\"summary\":\"\"", R"("summary":"","moderation":[])"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "moderation");
  EXPECT_EQ(error->why, "must be an object");
}

TEST(EventDefinitionTest, LinkPublishedMustBeADate) {
  const auto error = refusal(valid_event_with(
      "\"summary\":\"\"", R"("summary":"","links":[{"title":"Report","published":"October 17, 2024"}])"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "links[0].published");
  EXPECT_NE(error->why.find("ISO 8601 date"), std::string::npos);
}

TEST(EventDefinitionTest, StreamUrlMustBeAWebUrl) {
  const auto error = refusal(valid_event_with("\"summary\":\"\"", R"("summary":"","stream_url":"ftp://x")"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field, "stream_url");
}

event_definition with_stream(std::string_view stream) {
  auto result = parse_event_definition(
      valid_event_with("\"summary\":\"\"", std::string(R"("summary":"","stream":)") + std::string(stream)),
      "inline.json");
  if (const auto* error = std::get_if<event_load_error>(&result)) {
    ADD_FAILURE() << error->message();
    return {};
  }
  return std::get<event_definition>(std::move(result));
}

std::optional<event_load_error> stream_refusal(std::string_view stream) {
  return refusal(
      valid_event_with("\"summary\":\"\"", std::string(R"("summary":"","stream":)") + std::string(stream)));
}

TEST(EventDefinitionTest, AnHlsStreamIsInThePublicEvent) {
  auto event = with_stream(
      R"({"kind":"hls","url":"https://video.example.org:8443/live/index.m3u8","delay_ms":12000,"started_at":"2024-04-22T13:59:30Z"})");
  ASSERT_TRUE(event.stream);
  EXPECT_EQ(event.stream->kind, "hls");
  EXPECT_EQ(event.stream->delay_ms, 12000);
  EXPECT_EQ(*event.stream->started_at, 1713794370000);
  EXPECT_EQ(url_origin(event.stream->url), "https://video.example.org:8443");
  const auto json = event_to_json(event);
  EXPECT_EQ(json.at("stream"),
            boost::json::parse(R"({"kind":"hls","url":"https://video.example.org:8443/live/index.m3u8",
                                                      "delay_ms":12000,"started_at":1713794370000})"));
}

TEST(EventDefinitionTest, NoStreamIsNullAndNoneMayLinkToARecording) {
  EXPECT_EQ(event_to_json(load_good(source_dir / "events/nato-indo-pacific-2024.json")).count("stream"), 1u);
  auto none = with_stream(R"({"kind":"none","url":"https://www.usip.org/events/nato"})");
  ASSERT_TRUE(none.stream);
  EXPECT_EQ(event_to_json(none).at("stream").at("started_at"), nullptr);
  EXPECT_EQ(event_to_json(none).at("stream").at("delay_ms"), 0);
}

TEST(EventDefinitionTest, YouTubeLinksNameTheirVideo) {
  for (const char* url :
       {"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtube.com/watch?feature=x&v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=4", "https://www.youtube.com/live/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://m.youtube.com/watch?v=dQw4w9WgXcQ#t"})
    EXPECT_EQ(youtube_video_id(url), "dQw4w9WgXcQ") << url;
  for (const char* url :
       {"http://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/watch?v=short",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://user@www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQx",
        "https://www.youtube.com/channel/dQw4w9WgXcQ", "https://youtube-nocookie.com/live/dQw4w9WgXcQ"})
    EXPECT_EQ(youtube_video_id(url), "") << url;
  auto event = with_stream(R"({"kind":"youtube","url":"https://youtu.be/dQw4w9WgXcQ","delay_ms":20000})");
  ASSERT_TRUE(event.stream);
  EXPECT_EQ(event_to_json(event).at("stream").at("video_id"), "dQw4w9WgXcQ");
}

TEST(EventDefinitionTest, AStreamWithAMistakeIsRefusedWithItsField) {
  struct mistake {
    const char* stream;
    const char* field;
  };
  for (const auto& m : std::initializer_list<mistake>{
           {R"("https://x.example/a.m3u8")", "stream"},
           {R"({"url":"https://x.example/a.m3u8"})", "stream.kind"},
           {R"({"kind":"dash","url":"https://x.example/a.mpd"})", "stream.kind"},
           {R"({"kind":"hls","url":"ftp://x.example/a.m3u8"})", "stream.url"},
           {R"({"kind":"hls"})", "stream.url"},
           {R"({"kind":"hls","url":"https://x.example/a.m3u8 'unsafe-inline'"})", "stream.url"},
           {R"({"kind":"hls","url":"https://a b.example/a.m3u8"})", "stream.url"},
           {R"({"kind":"youtube","url":"https://vimeo.com/1234"})", "stream.url"},
           {R"j({"kind":"none","url":"javascript:alert(1)"})j", "stream.url"},
           {R"({"kind":"hls","url":"https://x.example/a.m3u8","delay_ms":-1})", "stream.delay_ms"},
           {R"({"kind":"hls","url":"https://x.example/a.m3u8","delay_ms":300001})", "stream.delay_ms"},
           {R"({"kind":"hls","url":"https://x.example/a.m3u8","delay_ms":"5s"})", "stream.delay_ms"},
           {R"({"kind":"hls","url":"https://x.example/a.m3u8","started_at":"yesterday"})",
            "stream.started_at"},
           {R"({"kind":"hls","url":"https://x.example/a.m3u8","latency":5})", "stream.latency"},
       }) {
    const auto error = stream_refusal(m.stream);
    ASSERT_TRUE(error) << m.stream;
    EXPECT_EQ(error->field, m.field) << m.stream << ": " << error->why;
    EXPECT_FALSE(error->why.empty());
  }
}

// starts_at in several spellings: what it must become, or nothing when it must be refused.
struct time_case {
  const char* text;
  std::optional<millis> expected;
};

class StartsAtTest : public ::testing::TestWithParam<time_case> {};

TEST_P(StartsAtTest, ParsesOnlyIso8601Utc) {
  const std::string text = GetParam().text;
  auto result = parse_event_definition(
      valid_event_with("\"2024-04-22T14:00:00Z\"", boost::json::serialize(boost::json::value(text))), "x");
  if (GetParam().expected) {
    ASSERT_TRUE(std::holds_alternative<event_definition>(result)) << text;
    EXPECT_EQ(std::get<event_definition>(result).starts_at, *GetParam().expected) << text;
  } else {
    ASSERT_TRUE(std::holds_alternative<event_load_error>(result)) << text << " was accepted";
    EXPECT_EQ(std::get<event_load_error>(result).field, "starts_at");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, StartsAtTest,
    ::testing::Values(
        time_case{"2024-04-22T14:00:00Z", 1713794400000}, time_case{"1970-01-01T00:00:00Z", 0},
        time_case{"2024-02-29T23:59:59Z", 1709251199000},
        time_case{"2024-04-22T14:00:00.250Z", 1713794400250},
        time_case{"2024-04-22T14:00:00.5Z", 1713794400500},
        time_case{"2024-04-22T14:00:00.123456Z", 1713794400123},
        time_case{"2023-02-29T10:00:00Z", std::nullopt}, time_case{"2024-04-22T24:00:00Z", std::nullopt},
        time_case{"2024-04-22T14:60:00Z", std::nullopt}, time_case{"2024-04-22T14:00:00", std::nullopt},
        time_case{"2024-04-22T14:00:00+00:00", std::nullopt},
        time_case{"2024-04-22T14:00:00.Z", std::nullopt}, time_case{"2024-04-22T14:00Z", std::nullopt},
        time_case{"2024-4-22T14:00:00Z", std::nullopt}, time_case{"2024-04-22 14:00:00Z", std::nullopt},
        time_case{"2024-04-22T14:00:00Zjunk", std::nullopt}, time_case{"", std::nullopt}));

TEST(EventDefinitionTest, StartsAtIgnoresTheLocalTimeZone) {
  const char* previous = std::getenv("TZ");
  const std::optional<std::string> saved = previous ? std::optional<std::string>(previous) : std::nullopt;
  ::setenv("TZ", "Asia/Tokyo", 1);
  ::tzset();
  auto result = parse_event_definition(valid_event_with("", ""), "x");
  if (saved) {
    ::setenv("TZ", saved->c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  ASSERT_TRUE(std::holds_alternative<event_definition>(result));
  EXPECT_EQ(std::get<event_definition>(result).starts_at, 1713794400000);
}

// ---- Time zone and who may put things on air ----

TEST_F(RealEventFileTest, NamesTheVenueTimeZone) {
  EXPECT_EQ(event_.time_zone, "America/New_York");
  EXPECT_EQ(event_to_json(event_).at("time_zone"), "America/New_York");
}

TEST(EventDefinitionTest, TimeZoneDefaultsToUtc) {
  auto result = parse_event_definition(valid_event_with("", ""), "inline.json");
  ASSERT_TRUE(std::holds_alternative<event_definition>(result));
  EXPECT_EQ(std::get<event_definition>(result).time_zone, "UTC");
}

TEST(EventDefinitionTest, TimeZoneThatIsNotAnIanaNameIsRefused) {
  for (std::string_view zone : {"../../etc/passwd", "New York", "/UTC", "Europe//Paris", ""}) {
    std::string text =
        valid_event_with(R"("starts_at")", R"("time_zone":")" + std::string(zone) + R"(","starts_at")");
    auto error = refusal(text);
    if (zone.empty()) {
      EXPECT_FALSE(error.has_value()) << "an empty zone means UTC";
      continue;
    }
    ASSERT_TRUE(error.has_value()) << zone;
    EXPECT_EQ(error->field, "time_zone");
  }
}

TEST(EventDefinitionTest, TimeZoneNamesOfEveryShapeLookRight) {
  for (std::string_view zone :
       {"UTC", "Asia/Tokyo", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "America/Port-au-Prince"})
    EXPECT_TRUE(looks_like_time_zone(zone)) << zone;
}

TEST(EventDefinitionTest, OnAirDefaultsToModerators) {
  auto result = parse_event_definition(valid_event_with("", ""), "inline.json");
  ASSERT_TRUE(std::holds_alternative<event_definition>(result));
  EXPECT_FALSE(std::get<event_definition>(result).on_air_producers_only);
  EXPECT_EQ(event_to_json(std::get<event_definition>(result)).at("on_air"), "moderator");
}

TEST(EventDefinitionTest, OnAirCanBeReservedToProducers) {
  auto result =
      parse_event_definition(valid_event_with(R"("starts_at")", R"("on_air":"producer","starts_at")"), "x");
  ASSERT_TRUE(std::holds_alternative<event_definition>(result));
  EXPECT_TRUE(std::get<event_definition>(result).on_air_producers_only);
}

TEST(EventDefinitionTest, OnAirWithAnUnknownRoleIsRefused) {
  auto error = refusal(valid_event_with(R"("starts_at")", R"("on_air":"viewer","starts_at")"));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, "on_air");
  EXPECT_NE(error->why.find("moderator|producer"), std::string::npos) << error->why;
}

// ---- Prepared polls ----

TEST_F(RealEventFileTest, PreparesPollsWithTheirOwnIds) {
  ASSERT_EQ(event_.polls.size(), 3u);
  EXPECT_EQ(event_.polls[0].id, "formalise-partnerships");
  EXPECT_NE(event_.polls[0].question.find("formalise"), std::string::npos);
  EXPECT_FALSE(event_.polls[0].multiple);
  EXPECT_TRUE(event_.polls[1].multiple);
  for (const auto& poll : event_.polls) {
    EXPECT_GE(poll.options.size(), 2u);
    EXPECT_LE(poll.options.size(), 6u);
  }
}

// One poll replacing the valid event's summary, so each test writes only the poll.
std::optional<event_load_error> poll_refusal(std::string_view polls) {
  return refusal(valid_event_with("\"summary\":\"\"", "\"summary\":\"\",\"polls\":" + std::string(polls)));
}

TEST(EventPollsTest, AGoodPollLoads) {
  auto result = parse_event_definition(
      valid_event_with("\"summary\":\"\"",
                       R"("summary":"","polls":[{"id":"p1","question":" Q? ","multiple":true,)"
                       R"("options":[{"id":"yes","text":"Yes"},{"id":"no","text":"No"}]}])"),
      "x");
  ASSERT_TRUE(std::holds_alternative<event_definition>(result));
  const auto& poll = std::get<event_definition>(result).polls.at(0);
  EXPECT_EQ(poll.question, "Q?") << "texts are trimmed as poll.create trims them";
  EXPECT_TRUE(poll.multiple);
  EXPECT_EQ(poll.options[1].id, "no");
}

TEST(EventPollsTest, EveryMistakeNamesItsField) {
  struct bad {
    const char* polls;
    const char* field;
    const char* why;
  };
  const bad cases[] = {
      {R"({})", "polls", "must be an array of polls"},
      {R"([{"question":"Q?","options":[]}])", "polls[0].id", "missing"},
      {R"([{"id":"Bad Id","question":"Q?","options":[]}])", "polls[0].id", ""},
      {R"([{"id":"p","options":[]}])", "polls[0].question", "missing"},
      {R"([{"id":"p","question":"Q?"}])", "polls[0].options", "missing"},
      {R"([{"id":"p","question":"Q?","options":[{"id":"a","text":"A"}]}])", "polls[0].options",
       "must have 2..6 options"},
      {R"([{"id":"p","question":"Q?","options":[{"id":"a","text":"A"},{"id":"a","text":"B"}]}])",
       "polls[0].options[1].id", "duplicate option id \"a\""},
      {R"([{"id":"p","question":"Q?","options":[{"id":"a","text":"A"},{"id":"b","text":" "}]}])",
       "polls[0].options[1].text", "must have 1..80 characters"},
      {R"([{"id":"p","question":"","options":[{"id":"a","text":"A"},{"id":"b","text":"B"}]}])",
       "polls[0].question", "must have 1..200 characters"},
      {R"([{"id":"p","question":"Q?","multiple":"yes","options":[{"id":"a","text":"A"},{"id":"b","text":"B"}]}])",
       "polls[0].multiple", "must be true or false"},
      {R"([{"id":"p","question":"Q?","optoins":[]}])", "polls[0].optoins",
       "unknown key (did you mean \"options\"?)"},
      {R"([{"id":"p","question":"Q?","options":[{"id":"a","text":"A"},{"id":"b","text":"B"}]},)"
       R"({"id":"p","question":"R?","options":[{"id":"a","text":"A"},{"id":"b","text":"B"}]}])",
       "polls[1].id", "duplicate poll id \"p\""},
  };
  for (const auto& c : cases) {
    auto error = poll_refusal(c.polls);
    ASSERT_TRUE(error) << c.polls;
    EXPECT_EQ(error->file, "inline.json");
    EXPECT_EQ(error->field, c.field) << c.polls;
    if (*c.why) {
      EXPECT_EQ(error->why, c.why) << c.polls;
    }
  }
}

}  // namespace
}  // namespace companion::session
