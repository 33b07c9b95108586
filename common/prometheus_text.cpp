// Families are kept as blocks in declaration order; a sample lands in its family's
// block, so HELP and TYPE are written once even when samples come interleaved.
#include "common/prometheus_text.hpp"

#include <cstdio>

namespace companion::common {
namespace {

std::string_view type_name(metric_type type) {
  switch (type) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes only backslash and line feed.
std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_double(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.6f", value);
  return text;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

prometheus_text::block& prometheus_text::at(std::string_view name) {
  for (block& b : blocks_)
    if (b.name == name) return b;
  return blocks_.emplace_back(block{std::string(name), {}, {}});
}

void prometheus_text::family(std::string_view name, metric_type type, std::string_view help) {
  block& b = at(name);
  if (!b.head.empty()) return;
  b.head.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  b.head.append("# TYPE ").append(name).append(" ").append(type_name(type)).append("\n");
}

void prometheus_text::write(std::string_view name, std::string_view suffix,
                            std::span<const metric_label> labels, std::string_view value) {
  std::string& out = at(name).samples;
  out.append(name).append(suffix);
  if (!labels.empty()) {
    out += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out += ',';
      out.append(labels[i].first).append("=\"").append(escape_label_value(labels[i].second)).append("\"");
    }
    out += '}';
  }
  out.append(" ").append(value).append("\n");
}

void prometheus_text::sample(std::string_view name, std::uint64_t value,
                             std::span<const metric_label> labels) {
  write(name, {}, labels, std::to_string(value));
}

void prometheus_text::sample(std::string_view name, std::uint64_t value,
                             std::initializer_list<metric_label> labels) {
  sample(name, value, std::span<const metric_label>(labels.begin(), labels.size()));
}

void prometheus_text::sample(std::string_view name, double value,
                             std::initializer_list<metric_label> labels) {
  write(name, {}, std::span<const metric_label>(labels.begin(), labels.size()), format_double(value));
}

void prometheus_text::histogram(std::string_view name, std::span<const std::string> bounds,
                                std::span<const std::uint64_t> counts, double sum) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size() && i < counts.size(); ++i) {
    cumulative += counts[i];
    const metric_label le{"le", bounds[i]};
    write(name, "_bucket", std::span<const metric_label>(&le, 1), std::to_string(cumulative));
  }
  for (std::size_t i = bounds.size(); i < counts.size(); ++i) cumulative += counts[i];
  const metric_label inf{"le", "+Inf"};
  write(name, "_bucket", std::span<const metric_label>(&inf, 1), std::to_string(cumulative));
  write(name, "_sum", {}, format_double(sum));
  write(name, "_count", {}, std::to_string(cumulative));
}

std::string prometheus_text::str() const {
  std::string out;
  for (const block& b : blocks_) out.append(b.head).append(b.samples);
  return out;
}

}  // namespace companion::common
