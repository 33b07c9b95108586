// ISO 8601 fuzzer. Whatever the strict event-file form accepts, the feed form accepts
// with the same value; a strictly accepted time written back in whole seconds reads
// back as itself, rounded down.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/iso_time.hpp"

using namespace companion::common;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto strict = parse_iso8601_ms(text, iso8601_form::utc);
  const auto loose = parse_iso8601_ms(text, iso8601_form::feed);
  if (strict && loose != strict) std::abort();
  // Only the strict form stays within years 0000 to 9999 (an offset can step outside).
  if (strict) {
    const std::int64_t whole = *strict - ((*strict % 1000) + 1000) % 1000;
    if (parse_iso8601_ms(format_iso8601(*strict), iso8601_form::utc) != whole) std::abort();
  }
  if (const auto date = parse_iso8601_date(text); date && text.size() >= 10) {
    if (!parse_iso8601_ms(std::string(text.substr(0, 10)) + "T00:00:00Z", iso8601_form::utc)) std::abort();
  }
  return 0;
}
