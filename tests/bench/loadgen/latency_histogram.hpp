// Log-linear latency histogram in microseconds (HdrHistogram-style): exact below 128 us,
// then 64 buckets per power of two, so every recorded value is within 1.6 % of its bucket.
// Fixed size and trivially copyable, so workers can ship it through a pipe as raw bytes
// and the coordinator merges them by adding counts.
#pragma once

#include <array>
#include <cstdint>

namespace loadgen {

class latency_histogram {
 public:
  // Values up to 2^40 us (~12 days) are kept; larger ones land in the top bucket.
  static constexpr int linear_bits = 7;
  static constexpr int bucket_count = (40 - linear_bits + 2) * 64;

  void record(std::uint64_t micros);
  void merge(const latency_histogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  // The value at or below which `fraction` (0..1) of the samples fall, reported as the
  // upper edge of its bucket (never below the true value), clamped to the exact max.
  std::uint64_t percentile(double fraction) const;

  static int bucket_of(std::uint64_t micros);
  // Largest value that falls in `bucket`.
  static std::uint64_t bucket_upper(int bucket);

 private:
  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace loadgen
