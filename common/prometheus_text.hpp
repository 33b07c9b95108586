// A small writer of the Prometheus text exposition format (version 0.0.4): each
// family's HELP and TYPE lines once, its samples together under them however they were
// added, label values escaped.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace companion::common {

enum class metric_type { counter, gauge, histogram };

// A label name and its value; the value is escaped when written.
using metric_label = std::pair<std::string_view, std::string_view>;

class prometheus_text {
 public:
  // Declares a family. Declaring it again (another event's samples, say) adds to the
  // same block; the first help and type stay.
  void family(std::string_view name, metric_type type, std::string_view help);

  // One sample of a declared family (undeclared: declared here as an untyped gauge).
  void sample(std::string_view name, std::uint64_t value, std::initializer_list<metric_label> labels = {});
  void sample(std::string_view name, std::uint64_t value, std::span<const metric_label> labels);
  void sample(std::string_view name, double value, std::initializer_list<metric_label> labels = {});

  // A histogram's buckets, sum and count. `counts` holds each bucket's own count and one
  // more for above the last bound; `bounds` are the upper bounds as written in `le`.
  void histogram(std::string_view name, std::span<const std::string> bounds,
                 std::span<const std::uint64_t> counts, double sum);

  // The families in the order they were first declared.
  std::string str() const;

 private:
  struct block {
    std::string name;
    std::string head;
    std::string samples;
  };
  block& at(std::string_view name);
  void write(std::string_view name, std::string_view suffix, std::span<const metric_label> labels,
             std::string_view value);

  std::vector<block> blocks_;
};

// A label value with backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);

}  // namespace companion::common
