// A long, reproducible mix of everything an event sees: the run of show,
// announcements, questions (asked, merged, approved, voted, answered, edited,
// unmerged, rejected), posts of every verdict, moderators' decisions, source
// deletions, author lists, the on-screen item, Q&A closing and clock ticks,
// with refused inputs in between. The journal and replica tests replay it.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "engine_fixture.hpp"

namespace companion::session::testing {

// Runs the scenario on `driver` and returns the time of its last input.
inline millis run_mixed_scenario(engine_driver& driver, int random_steps = 600) {
  millis now = t0;
  auto step = [&now](millis by = 137) { return now += by; };
  auto run = [&](const boost::json::object& json, const actor& who) { return driver.run(json, who, step()); };

  // A scripted opening that touches every command once.
  run({{"type", "agenda.start"}}, producer());
  run({{"type", "announce"}, {"text", "Welcome to the summit"}}, producer());
  driver.ingest(make_post("bluesky:s1", "ana.example", {"Road2NATO"}), held, step());
  driver.ingest(make_post("bluesky:s2", "ben.example", {"NATOSummit"}), approved, step());
  driver.ingest(make_post("bluesky:s3", "spam.example", {"Road2NATO"}), rejected, step());
  driver.ingest(make_post("bluesky:s4", "spam.example", {"Road2NATO"}), held, step());
  run({{"type", "question.ask"}, {"text", "What about Taiwan?"}, {"name", "Kai"}}, viewer("v1"));
  run({{"type", "question.ask"}, {"text", "what about taiwan"}}, viewer("v2"));
  run({{"type", "question.ask"}, {"text", "Will the summit discuss Japan?"}}, viewer("v3"));
  run({{"type", "question.approve"}, {"question", "q1"}}, moderator());
  run({{"type", "question.approve"}, {"question", "q3"}}, moderator());
  run({{"type", "question.vote"}, {"question", "q3"}}, viewer("v1"));
  run({{"type", "question.vote"}, {"question", "q3"}}, viewer("v1"));  // conflict
  driver.tick(step(), 40);
  run({{"type", "post.approve"}, {"post", "bluesky:s1"}}, moderator("mod-ana"));
  run({{"type", "post.approve"}, {"post", "bluesky:s1"}}, moderator("mod-ben"));  // conflict
  run({{"type", "author.block"}, {"source", "bluesky"}, {"handle", "spam.example"}}, moderator());
  run({{"type", "author.block"}, {"source", "mastodon"}, {"handle", "nobody"}},
      moderator());  // nothing queued
  run({{"type", "author.trust"}, {"source", "bluesky"}, {"handle", "cat.example"}}, moderator());
  driver.ingest(make_post("bluesky:s5", "cat.example", {"Road2NATO"}), held, step());
  run({{"type", "on_screen.set"}, {"kind", "question"}, {"item", "q1"}}, moderator());
  run({{"type", "question.reject"}, {"question", "q1"}}, moderator());  // clears the screen
  run({{"type", "question.unmerge"}, {"question", "q2"}}, moderator());
  run({{"type", "question.approve"}, {"question", "q2"}}, moderator());
  run({{"type", "on_screen.set"}, {"kind", "highlight"}, {"item", "bluesky:s2"}}, moderator());
  driver.retract("bluesky:s2", step());  // clears the screen
  run({{"type", "post.feature"}, {"post", "bluesky:s5"}}, moderator());
  run({{"type", "agenda.next"}}, producer());
  run({{"type", "agenda.pause"}}, producer());
  run({{"type", "agenda.resume"}}, producer());
  run({{"type", "question.answered"}, {"question", "q3"}}, moderator());
  run({{"type", "question.reopen"}, {"question", "q3"}}, moderator());
  run({{"type", "question.edit"}, {"question", "q2"}, {"text", "What about Taiwan, exactly?"}}, moderator());
  run({{"type", "qa.set"}, {"open", false}}, producer());
  run({{"type", "question.ask"}, {"text", "Too late?"}}, viewer("v4"));  // conflict
  run({{"type", "qa.set"}, {"open", true}}, producer());
  run({{"type", "agenda.goto"}, {"segment", "qa"}}, producer());
  driver.tick(step(1000), 55);
  // Polls: one made live, one prepared; ballots (one refused), coalesced counts, on air, closed.
  run({{"type", "poll.create"},
       {"question", "Which partner next?"},
       {"options", boost::json::array{"Japan", "Korea"}}},
      moderator());
  run({{"type", "poll.open"}, {"poll", "poll-1"}}, producer());
  run({{"type", "poll.open"}, {"poll", "cooperation-areas"}}, moderator());
  run({{"type", "poll.vote"}, {"poll", "poll-1"}, {"options", boost::json::array{"a"}}}, viewer("v1"));
  run({{"type", "poll.vote"}, {"poll", "poll-1"}, {"options", boost::json::array{"b"}}},
      viewer("v1"));  // conflict
  run({{"type", "poll.vote"},
       {"poll", "cooperation-areas"},
       {"options", boost::json::array{"cyber", "tech"}}},
      viewer("v2"));
  driver.tick(step(300), 55);
  run({{"type", "poll.vote"}, {"poll", "poll-1"}, {"options", boost::json::array{"b"}}}, viewer("v2"));
  run({{"type", "on_screen.set"}, {"kind", "poll"}, {"item", "poll-1"}}, producer());
  run({{"type", "poll.close"}, {"poll", "poll-1"}}, producer());
  run({{"type", "poll.vote"}, {"poll", "cooperation-areas"}, {"options", boost::json::array{"maritime"}}},
      viewer("v3"));

  // Then a long random mix, including inputs that are refused.
  std::mt19937 random(20240422);
  auto pick = [&random](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const std::vector<std::string> handles{"ana.example", "ben.example", "cat.example", "dan.example",
                                         "spam.example"};
  const std::vector<std::vector<std::string>> tag_sets{
      {"Road2NATO"}, {"NATOSummit"}, {"Road2NATO", "NATOSummit"}, {}};
  const std::vector<std::string> topics{"Taiwan", "Japan",        "budgets", "drones",
                                        "Korea",  "shipbuilding", "AUKUS"};
  int posts = 0;
  for (int i = 0; i < random_steps; ++i) {
    std::string question = "q" + std::to_string(1 + pick(40));
    std::string post = "bluesky:r" + std::to_string(1 + pick(std::max(posts, 1)));
    std::string who = "v" + std::to_string(pick(30));
    switch (pick(16)) {
      case 0:
      case 1: {
        const moderation_decision& verdict = pick(3) == 0 ? approved : pick(2) == 0 ? held : rejected;
        driver.ingest(make_post("bluesky:r" + std::to_string(++posts), handles[pick(5)], tag_sets[pick(4)]),
                      verdict, step());
        break;
      }
      case 2:
        run({{"type", "question.ask"},
             {"text", "What about " + topics[pick(7)] + (pick(2) ? "?" : "")},
             {"name", pick(2) ? boost::json::value("Viewer " + who) : boost::json::value(nullptr)}},
            viewer(who));
        break;
      case 3:
      case 4:
        run({{"type", pick(4) ? "question.vote" : "question.unvote"}, {"question", question}}, viewer(who));
        break;
      case 5:
        run({{"type", pick(3) ? "question.approve" : "question.reject"}, {"question", question}},
            moderator());
        break;
      case 6: {
        const char* types[] = {"question.answered", "question.reopen", "question.unmerge"};
        run({{"type", types[pick(3)]}, {"question", question}}, moderator());
        break;
      }
      case 7: {
        const char* types[] = {"post.approve", "post.reject", "post.feature"};
        run({{"type", types[pick(3)]}, {"post", post}}, moderator(pick(2) ? "mod-ana" : "mod-ben"));
        break;
      }
      case 8:
        run({{"type", "highlight.remove"}, {"highlight", post}}, moderator());
        break;
      case 9:
        driver.retract(post, step());
        break;
      case 10:
        run({{"type", pick(2) ? "author.block" : "author.trust"},
             {"source", "bluesky"},
             {"handle", handles[pick(5)]}},
            moderator());
        break;
      case 11:
        if (pick(3) == 0)
          run({{"type", "on_screen.set"}, {"kind", nullptr}, {"item", nullptr}}, moderator());
        else if (pick(2))
          run({{"type", "on_screen.set"}, {"kind", "question"}, {"item", question}}, moderator());
        else
          run({{"type", "on_screen.set"}, {"kind", "highlight"}, {"item", post}}, moderator());
        break;
      case 12: {
        const char* types[] = {"agenda.next", "agenda.previous", "agenda.pause", "agenda.resume"};
        run({{"type", types[pick(4)]}}, producer());
        break;
      }
      case 13:
        run({{"type", "announce"}, {"text", pick(3) ? "Break at " + std::to_string(i) : std::string()}},
            producer());
        break;
      case 14:
        run({{"type", "question.edit"}, {"question", question}, {"text", "Edited: " + topics[pick(7)]}},
            moderator());
        break;
      case 15:
        driver.tick(step(static_cast<millis>(pick(700))), static_cast<std::uint64_t>(pick(500)));
        break;
    }
  }
  // Quiet ticks publish the last votes and stats.
  driver.tick(step(1000), 77);
  driver.tick(step(1000), 77);
  return now;
}

}  // namespace companion::session::testing
