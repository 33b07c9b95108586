// Log-linear latency histogram: bucket arithmetic and percentiles.
#include "tests/bench/loadgen/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace loadgen {

int latency_histogram::bucket_of(std::uint64_t micros) {
  constexpr std::uint64_t linear_limit = std::uint64_t{1} << linear_bits;
  if (micros < linear_limit) return static_cast<int>(micros);
  const int msb = 63 - std::countl_zero(micros);
  const int shift = msb - (linear_bits - 1);
  // (micros >> shift) lies in [64, 128): 64 sub-buckets per power of two.
  const int bucket = shift * 64 + static_cast<int>(micros >> shift);
  return std::min(bucket, bucket_count - 1);
}

std::uint64_t latency_histogram::bucket_upper(int bucket) {
  if (bucket < (1 << linear_bits)) return static_cast<std::uint64_t>(bucket);
  const int shift = bucket / 64 - 1;
  const std::uint64_t sub = static_cast<std::uint64_t>(bucket % 64 + 64);
  return ((sub + 1) << shift) - 1;
}

void latency_histogram::record(std::uint64_t micros) {
  ++counts_[static_cast<std::size_t>(bucket_of(micros))];
  ++count_;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
}

void latency_histogram::merge(const latency_histogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  const double wanted = std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_));
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (int i = 0; i < bucket_count; ++i) {
    seen += counts_[static_cast<std::size_t>(i)];
    if (seen >= rank) return std::min(bucket_upper(i), max_);
  }
  return max_;
}

}  // namespace loadgen
