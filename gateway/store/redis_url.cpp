#include "gateway/store/redis_url.hpp"

#include <cctype>
#include <charconv>

namespace companion::gateway {
namespace {

template <typename T>
bool parse_number(std::string_view text, T& out, T max) {
  if (text.empty()) return false;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return false;
  out = static_cast<T>(value);
  return true;
}

}  // namespace

std::optional<redis_address> parse_redis_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "redis://";
  if (!url.starts_with(scheme)) {
    error = "wants redis://HOST:PORT[/DB], got '" + std::string(url) + "'";
    return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  redis_address out;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    // Redis has 16 databases unless configured otherwise; the server says if DB is too high.
    if (!parse_number<unsigned>(rest.substr(slash + 1), out.db, 1u << 20)) {
      error = "wants a database number after the '/', got '" + std::string(rest.substr(slash + 1)) + "'";
      return std::nullopt;
    }
    rest = rest.substr(0, slash);
  }
  if (rest.find('@') != std::string_view::npos) {
    error = "takes no user or password in the URL (keep secrets off the command line)";
    return std::nullopt;
  }
  std::string_view host = rest, port;
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) {
      error = "has an IPv6 address without its closing ']'";
      return std::nullopt;
    }
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "wants ':PORT' after the IPv6 address";
        return std::nullopt;
      }
      port = after.substr(1);
      if (port.empty()) port = "-";
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty()) port = "-";
  }
  if (host.empty()) {
    error = "names no host";
    return std::nullopt;
  }
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_')) {
      error = "has a character that is not in a host name: '" + std::string(host) + "'";
      return std::nullopt;
    }
  if (!port.empty() && (!parse_number<std::uint16_t>(port, out.port, 65535) || out.port == 0)) {
    error = "wants a port from 1 to 65535, got '" + std::string(port) + "'";
    return std::nullopt;
  }
  out.host = std::string(host);
  return out;
}

}  // namespace companion::gateway
