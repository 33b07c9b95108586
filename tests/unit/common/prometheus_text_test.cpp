// The Prometheus text writer: HELP and TYPE once per family however samples arrive,
// label values escaped, histograms cumulative.
#include "common/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace companion::common {
namespace {

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(PrometheusTextTest, WritesOneFamilyWithItsSamples) {
  prometheus_text out;
  out.family("companion_connections", metric_type::gauge, "Open WebSocket connections by role.");
  out.sample("companion_connections", std::uint64_t{3}, {{"role", "viewer"}});
  out.sample("companion_connections", std::uint64_t{1}, {{"role", "producer"}});
  out.family("companion_commands_total", metric_type::counter, "WebSocket commands received.");
  out.sample("companion_commands_total", std::uint64_t{42});
  EXPECT_EQ(out.str(),
            "# HELP companion_connections Open WebSocket connections by role.\n"
            "# TYPE companion_connections gauge\n"
            "companion_connections{role=\"viewer\"} 3\n"
            "companion_connections{role=\"producer\"} 1\n"
            "# HELP companion_commands_total WebSocket commands received.\n"
            "# TYPE companion_commands_total counter\n"
            "companion_commands_total 42\n");
}

TEST(PrometheusTextTest, InterleavedSamplesStayUnderOneHeader) {
  prometheus_text out;
  for (std::string event : {"a", "b", "c"}) {
    out.family("x_total", metric_type::counter, "X.");
    out.sample("x_total", std::uint64_t{1}, {{"event", event}});
    out.family("y", metric_type::gauge, "Y.");
    out.sample("y", std::uint64_t{2}, {{"event", event}});
  }
  const std::string text = out.str();
  EXPECT_EQ(count(text, "# HELP x_total"), 1u);
  EXPECT_EQ(count(text, "# TYPE y gauge"), 1u);
  // Every x_total sample comes before the y family starts.
  EXPECT_LT(text.rfind("x_total{"), text.find("# HELP y"));
  EXPECT_EQ(count(text, "\ny{event="), 3u);
}

TEST(PrometheusTextTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  prometheus_text out;
  out.family("m", metric_type::gauge, "Two\nlines \\ here \"quoted\".");
  const std::array<metric_label, 2> labels{{{"event", "sum\"mit"}, {"source", "x\\y"}}};
  out.sample("m", std::uint64_t{7}, labels);
  EXPECT_EQ(out.str(),
            "# HELP m Two\\nlines \\\\ here \"quoted\".\n# TYPE m gauge\n"
            "m{event=\"sum\\\"mit\",source=\"x\\\\y\"} 7\n");
}

TEST(PrometheusTextTest, HistogramBucketsAreCumulative) {
  prometheus_text out;
  out.family("h_seconds", metric_type::histogram, "Latency.");
  const std::vector<std::string> bounds{"0.5", "1"};
  const std::vector<std::uint64_t> counts{2, 3, 4};
  out.histogram("h_seconds", bounds, counts, 12.25);
  EXPECT_EQ(out.str(),
            "# HELP h_seconds Latency.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"0.5\"} 2\n"
            "h_seconds_bucket{le=\"1\"} 5\n"
            "h_seconds_bucket{le=\"+Inf\"} 9\n"
            "h_seconds_sum 12.250000\n"
            "h_seconds_count 9\n");
}

TEST(PrometheusTextTest, FirstDeclarationWins) {
  prometheus_text out;
  out.family("z", metric_type::counter, "First.");
  out.family("z", metric_type::gauge, "Second.");
  out.sample("z", 0.5);
  EXPECT_EQ(out.str(), "# HELP z First.\n# TYPE z counter\nz 0.500000\n");
}

}  // namespace
}  // namespace companion::common
