// Whole-buffer gzip and Brotli at their strongest settings, for content compressed
// once at start (the static files) and served many times.
#pragma once

#include <string>
#include <string_view>

namespace companion::gateway {

// RFC 1952 gzip, zlib level 9.
std::string gzip_compress(std::string_view input);
// RFC 7932 Brotli, quality 11, in text mode.
std::string brotli_compress(std::string_view input);

}  // namespace companion::gateway
