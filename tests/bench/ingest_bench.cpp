// Ingest benchmark: how many Jetstream events a second one thread pushes through
// decode + hashtag match + dedup + moderation rules, against raw simdjson On-Demand
// parsing of the same bytes measured in the same run.
//
// The corpus is generated in memory (deterministic): N Jetstream frames, about 1% of
// them carrying one of the event's hashtags, in several languages, with facets, langs,
// replies, likes/reposts/follows, deletions and identity frames. Before timing, the
// pipeline's output is checked against the generator's ground truth.
//
// Raw baseline: for each frame, iterate the document with one reused ondemand::parser
// over a pre-padded copy and read exactly the fields the Jetstream decoder reads (did,
// time_us, kind, commit.operation/collection/rkey, record.text/createdAt/langs/
// facets[].index+features[].$type/tag, record.tags, record.reply, identity.did/handle),
// stopping at a non-post collection as the decoder does. It copies, matches and
// allocates nothing; it only sums string lengths so the work cannot be optimized away.
//
// Usage: ingest_bench [--events N] [--runs R]
#include <simdjson.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "hashtag-tracker/ingest_pipeline.hpp"

namespace {

namespace ondemand = simdjson::ondemand;
using companion::tracker::wire_format;

#define INGEST_BENCH_STRING(x) #x
#define INGEST_BENCH_NAME(x) INGEST_BENCH_STRING(x)
constexpr const char* builtin_name = INGEST_BENCH_NAME(SIMDJSON_BUILTIN_IMPLEMENTATION);

constexpr std::int64_t start_us = 1713794400000000;  // 2024-04-22T14:00:00Z

struct corpus {
  std::vector<std::string> frames;
  std::vector<simdjson::padded_string> padded;  // the same bytes, padded, for the raw baseline
  std::size_t bytes = 0;
  std::size_t expected_posts = 0;      // matching creates the pipeline must hand on
  std::size_t expected_deletions = 0;  // deletions of those posts
  std::size_t expected_not_matching = 0;
  std::size_t identities = 0;
};

// Sentence material per language; posts are built from a few of these plus noise.
const std::vector<std::vector<std::string>> phrases = {
    {"Watching the panel on alliances and deterrence this afternoon", "Interesting point about supply chains",
     "Not sure I agree with the last speaker, but the data is compelling",
     "Coffee first, then the livestream", "Thread on what this means for regional security and trade",
     "The Q&A is where it gets good"},
    {"今日のパネルディスカッションはとても興味深い", "同盟と抑止についての議論を視聴中",
     "サプライチェーンの話が面白かった", "質疑応答が楽しみです"},
    {"오늘 토론은 정말 흥미로웠습니다", "동맹과 억지력에 대한 논의를 보고 있어요",
     "공급망 이야기가 인상적이었습니다"},
    {"Spannende Diskussion über Bündnisse und Abschreckung", "Die Lieferketten waren ein wichtiges Thema",
     "Ich bin gespannt auf die Fragerunde"},
    {"Discussion passionnante sur les alliances et la dissuasion",
     "Les chaînes d'approvisionnement étaient au cœur du débat", "Vivement la séance de questions"},
    {"Discussão interessante sobre alianças e dissuasão", "Cadeias de suprimentos em destaque hoje"},
};
const std::vector<std::string> languages = {"en", "ja", "ko", "de", "fr", "pt"};
const std::vector<std::string> other_tags = {"news",        "politics", "NATOSummit2024", "Road2NATOX",
                                             "ukraine",     "security", "japan",          "korea",
                                             "photography", "caturday"};
// Ways a matching post spells an event tag.
const std::vector<std::string> event_spellings = {"Road2NATO", "NATOSummit", "road2nato", "NATOSUMMIT",
                                                  "ＮＡＴＯＳｕｍｍｉｔ"};

std::string did_of(std::size_t n) {
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::string did = "did:plc:";
  for (int i = 0; i < 24; ++i) {
    did.push_back(alphabet[n % 32]);
    n = n / 32 + static_cast<std::size_t>(i) * 7 + 3;
  }
  return did;
}

std::string rkey_of(std::size_t n) {
  std::string key = "3kq";
  for (std::size_t v = n + 1'000'000'000; v > 0; v /= 32)
    key.push_back("234567abcdefghijklmnopqrstuvwxyz"[v % 32]);
  return key;
}

std::string iso_of(std::int64_t us) {
  std::int64_t ms = us / 1000, s = ms / 1000;
  int sec = static_cast<int>(s % 60), min = static_cast<int>((s / 60) % 60),
      hour = static_cast<int>((s / 3600) % 24);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "2024-04-22T%02d:%02d:%02d.%03dZ", hour, min, sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

boost::json::object tag_facet(std::size_t start, std::size_t end, std::string_view tag) {
  return {{"$type", "app.bsky.richtext.facet"},
          {"index", {{"byteStart", start}, {"byteEnd", end}}},
          {"features", boost::json::array{{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", tag}}}}};
}

boost::json::object link_facet(std::size_t start, std::size_t end, std::string_view uri) {
  return {{"$type", "app.bsky.richtext.facet"},
          {"index", {{"byteStart", start}, {"byteEnd", end}}},
          {"features", boost::json::array{{{"$type", "app.bsky.richtext.facet#link"}, {"uri", uri}}}}};
}

corpus generate(std::size_t count) {
  corpus out;
  std::mt19937_64 rng(20240422);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  constexpr std::size_t authors = 5000;
  std::vector<std::pair<std::string, std::string>> created;  // (did, rkey) of posts so far
  std::vector<bool> created_matching;
  std::vector<bool> deleted;
  for (std::size_t i = 0; i < count; ++i) {
    std::int64_t time_us =
        start_us + static_cast<std::int64_t>(i) * 2700 + static_cast<std::int64_t>(pick(900));
    std::size_t author = pick(authors);
    std::string did = did_of(author);
    boost::json::object frame{{"did", did}, {"time_us", time_us}};
    std::size_t roll = pick(1000);
    if (roll < 15) {  // identity
      frame["kind"] = "identity";
      frame["identity"] = {{"did", did},
                           {"handle", "user" + std::to_string(author) + ".bsky.social"},
                           {"seq", time_us / 1000},
                           {"time", iso_of(time_us)}};
      ++out.identities;
    } else if (roll < 180) {  // like, repost or follow
      static const char* collections[] = {"app.bsky.feed.like", "app.bsky.feed.repost",
                                          "app.bsky.graph.follow"};
      std::string collection = collections[pick(3)];
      boost::json::object record{{"$type", collection}, {"createdAt", iso_of(time_us)}};
      if (collection == "app.bsky.graph.follow")
        record["subject"] = did_of(pick(authors));
      else
        record["subject"] = {
            {"cid", "bafyreib" + std::string(52, 'q')},
            {"uri", "at://" + did_of(pick(authors)) + "/app.bsky.feed.post/" + rkey_of(pick(count))}};
      frame["kind"] = "commit";
      frame["commit"] = {{"rev", rkey_of(i)},        {"operation", "create"},
                         {"collection", collection}, {"rkey", rkey_of(i)},
                         {"record", record},         {"cid", "bafyrei" + std::string(52, 'c')}};
    } else if (roll < 210 && !created.empty()) {  // delete an earlier post
      std::size_t victim = pick(created.size());
      // Bias towards matching posts so the deletion path is exercised.
      for (std::size_t k = 0; k < 20 && !created_matching[victim]; ++k) victim = pick(created.size());
      frame["did"] = created[victim].first;
      frame["kind"] = "commit";
      frame["commit"] = {{"rev", rkey_of(i)},
                         {"operation", "delete"},
                         {"collection", "app.bsky.feed.post"},
                         {"rkey", created[victim].second}};
      // Every deletion of a post the pipeline handed on is passed on, repeats included.
      if (created_matching[victim]) ++out.expected_deletions;
      deleted[victim] = true;
    } else {                            // a post
      bool matching = pick(1000) < 12;  // about 1% of all events
      std::size_t language = pick(languages.size());
      const auto& pool = phrases[language];
      std::string text = pool[pick(pool.size())];
      if (pick(3) == 0) text += ". " + pool[pick(pool.size())];
      text += " (" + std::to_string(i) + ")";
      boost::json::array facets;
      boost::json::array record_tags;
      if (pick(6) == 0) {
        std::string url = "https://example.org/articles/" + std::to_string(pick(100000));
        text += " ";
        std::size_t start = text.size();
        text += url;
        facets.push_back(link_facet(start, text.size(), url));
      }
      int plain_tags = pick(3) == 0 ? 1 + static_cast<int>(pick(2)) : 0;
      for (int t = 0; t < plain_tags; ++t) {
        const std::string& tag = other_tags[pick(other_tags.size())];
        text += " ";
        std::size_t start = text.size();
        text += "#" + tag;
        facets.push_back(tag_facet(start, text.size(), tag));
      }
      if (matching) {
        const std::string& tag = event_spellings[pick(event_spellings.size())];
        switch (pick(3)) {
          case 0: {  // facet
            text += " ";
            std::size_t start = text.size();
            text += "#" + tag;
            facets.push_back(tag_facet(start, text.size(), tag));
            break;
          }
          case 1:  // typed without a facet
            text += " #" + tag;
            break;
          default:  // record.tags only
            record_tags.push_back(boost::json::string(tag));
            break;
        }
      }
      boost::json::object record{{"$type", "app.bsky.feed.post"},
                                 {"createdAt", iso_of(time_us)},
                                 {"langs", boost::json::array{boost::json::string(languages[language])}},
                                 {"text", text}};
      if (!facets.empty()) record["facets"] = facets;
      if (!record_tags.empty()) record["tags"] = record_tags;
      if (pick(6) == 0) {
        std::string parent = "at://" + did_of(pick(authors)) + "/app.bsky.feed.post/" + rkey_of(pick(count));
        boost::json::object ref{{"cid", "bafyreib" + std::string(52, 'r')}, {"uri", parent}};
        record["reply"] = {{"parent", ref}, {"root", ref}};
      }
      std::string rkey = rkey_of(i);
      frame["kind"] = "commit";
      frame["commit"] = {{"rev", rkey},  {"operation", "create"}, {"collection", "app.bsky.feed.post"},
                         {"rkey", rkey}, {"record", record},      {"cid", "bafyrei" + std::string(52, 'p')}};
      created.emplace_back(did, rkey);
      created_matching.push_back(matching);
      deleted.push_back(false);
      if (matching)
        ++out.expected_posts;
      else
        ++out.expected_not_matching;
    }
    out.frames.push_back(boost::json::serialize(frame));
    out.bytes += out.frames.back().size();
    out.padded.emplace_back(out.frames.back());
  }
  return out;
}

struct pipeline_outcome {
  std::size_t posts = 0;
  std::size_t deletions = 0;
  std::uint64_t not_matching = 0;
};

pipeline_outcome run_pipeline(const corpus& c) {
  companion::tracker::ingest_pipeline pipeline({"Road2NATO", "NATOSummit"},
                                               companion::tracker::moderation_rules{});
  pipeline_outcome out;
  companion::session::millis now = start_us / 1000;
  for (const auto& frame : c.frames) {
    auto result = pipeline.ingest(frame, wire_format::jetstream, now);
    out.posts += std::holds_alternative<companion::tracker::accepted_post>(result);
    out.deletions += std::holds_alternative<companion::tracker::deleted_post>(result);
    now += 3;
  }
  out.not_matching = pipeline.counters().source(wire_format::jetstream).not_matching;
  return out;
}

// Reads, without copying, the fields the Jetstream decoder reads. Returns a checksum.
std::size_t raw_read(ondemand::parser& parser, const simdjson::padded_string& frame) {
  std::size_t sum = 0;
  ondemand::document doc;
  if (parser.iterate(frame).get(doc)) return 0;
  ondemand::object root;
  if (doc.get_object().get(root)) return 0;
  for (auto field : root) {
    std::string_view key, s;
    if (field.unescaped_key().get(key)) return 0;
    if (key == "did" || key == "kind") {
      if (!field.value().get_string().get(s)) sum += s.size();
    } else if (key == "time_us") {
      std::int64_t t = 0;
      if (!field.value().get_int64().get(t)) sum += static_cast<std::size_t>(t & 1);
    } else if (key == "identity") {
      for (auto id_field : field.value().get_object()) {
        if (id_field.unescaped_key().get(key)) return 0;
        if ((key == "did" || key == "handle") && !id_field.value().get_string().get(s)) sum += s.size();
      }
    } else if (key == "commit") {
      for (auto commit_field : field.value().get_object()) {
        if (commit_field.unescaped_key().get(key)) return 0;
        if (key == "operation" || key == "rkey") {
          if (!commit_field.value().get_string().get(s)) sum += s.size();
        } else if (key == "collection") {
          if (commit_field.value().get_string().get(s)) return 0;
          if (s != "app.bsky.feed.post") return sum + 1;
        } else if (key == "record") {
          for (auto record_field : commit_field.value().get_object()) {
            if (record_field.unescaped_key().get(key)) return 0;
            if (key == "text" || key == "createdAt") {
              if (!record_field.value().get_string().get(s)) sum += s.size();
            } else if (key == "langs" || key == "tags") {
              for (auto element : record_field.value().get_array())
                if (!element.get_string().get(s)) sum += s.size();
            } else if (key == "reply") {
              sum += 1;
            } else if (key == "facets") {
              for (auto facet : record_field.value().get_array()) {
                for (auto facet_field : facet.get_object()) {
                  if (facet_field.unescaped_key().get(key)) return 0;
                  if (key == "index") {
                    for (auto index_field : facet_field.value().get_object()) {
                      std::int64_t v = 0;
                      if (!index_field.value().get_int64().get(v)) sum += static_cast<std::size_t>(v & 1);
                    }
                  } else if (key == "features") {
                    for (auto feature : facet_field.value().get_array()) {
                      for (auto feature_field : feature.get_object()) {
                        if (feature_field.unescaped_key().get(key)) return 0;
                        if ((key == "$type" || key == "tag") && !feature_field.value().get_string().get(s))
                          sum += s.size();
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return sum;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::size_t parse_count(const char* text, const char* flag) {
  char* end = nullptr;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || value == 0) {
    std::fprintf(stderr, "%s needs a positive integer, got \"%s\"\n", flag, text);
    std::exit(2);
  }
  return static_cast<std::size_t>(value);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t events = 200'000, runs = 5;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if ((arg == "--events" || arg == "--runs") && i + 1 < argc) {
      std::size_t value = parse_count(argv[i + 1], argv[i]);
      ++i;
      (arg == "--events" ? events : runs) = value;
    } else {
      std::fprintf(stderr, "usage: ingest_bench [--events N] [--runs R]\n");
      return 2;
    }
  }

  corpus c = generate(events);
  std::printf(
      "corpus: %zu events, %.1f MB, avg %.0f bytes/event, %zu matching posts, %zu deletions of them, "
      "%zu identity frames\n",
      c.frames.size(), static_cast<double>(c.bytes) / 1e6, static_cast<double>(c.bytes) / c.frames.size(),
      c.expected_posts, c.expected_deletions, c.identities);
  // On-Demand is compiled into the caller: it runs the implementation chosen at compile
  // time (-march), not the one the CPU would allow at run time.
  std::printf("simdjson on-demand implementation: %s (CPU supports %s)\n", builtin_name,
              simdjson::get_active_implementation()->name().c_str());

  // Check against the generator's ground truth before timing anything.
  pipeline_outcome check = run_pipeline(c);
  if (check.posts != c.expected_posts || check.deletions != c.expected_deletions ||
      check.not_matching != c.expected_not_matching) {
    std::fprintf(stderr,
                 "FAIL: pipeline gave %zu posts, %zu deletions, %llu not matching; expected %zu, %zu, %zu\n",
                 check.posts, check.deletions, static_cast<unsigned long long>(check.not_matching),
                 c.expected_posts, c.expected_deletions, c.expected_not_matching);
    return 1;
  }
  std::printf("check: pipeline output matches ground truth (%zu posts, %zu deletions, %llu not matching)\n",
              check.posts, check.deletions, static_cast<unsigned long long>(check.not_matching));

  std::vector<double> pipeline_rates, raw_rates, ratios;
  ondemand::parser parser;
  std::size_t checksum = 0;
  for (std::size_t run = 0; run < runs; ++run) {
    auto t0 = std::chrono::steady_clock::now();
    pipeline_outcome outcome = run_pipeline(c);
    auto t1 = std::chrono::steady_clock::now();
    for (const auto& frame : c.padded) checksum += raw_read(parser, frame);
    auto t2 = std::chrono::steady_clock::now();
    if (outcome.posts != c.expected_posts) return 1;
    double pipeline_s = std::chrono::duration<double>(t1 - t0).count();
    double raw_s = std::chrono::duration<double>(t2 - t1).count();
    pipeline_rates.push_back(static_cast<double>(c.frames.size()) / pipeline_s);
    raw_rates.push_back(static_cast<double>(c.frames.size()) / raw_s);
    ratios.push_back(raw_s / pipeline_s);
    std::printf("run %zu: pipeline %.0f events/s, raw simdjson %.0f events/s\n", run + 1,
                pipeline_rates.back(), raw_rates.back());
  }
  double pipeline_median = median(pipeline_rates), raw_median = median(raw_rates);
  double mb = static_cast<double>(c.bytes) / 1e6 / static_cast<double>(c.frames.size());
  std::printf(
      "median over %zu runs: pipeline %.0f events/s (%.1f MB/s), raw simdjson %.0f events/s (%.1f MB/s)\n",
      runs, pipeline_median, pipeline_median * mb, raw_median, raw_median * mb);
  // The per-run ratio compares two measurements taken seconds apart, so it suffers less
  // from other load on the machine than the ratio of medians.
  std::printf(
      "ratio pipeline/raw: %.2f of medians, %.2f median of per-run ratios (goal >= 0.50)   [checksum %zu]\n",
      pipeline_median / raw_median, median(ratios), checksum);
  return 0;
}
