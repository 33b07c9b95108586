// Errors that end a connection, named by the step that failed (the `fail(ec, "what")`
// habit): one debug log line each and a counter per side and step for /metrics.
// Process-wide, like the log counters: the HTTP and WebSocket sessions run on the
// shards, the source clients on the ingest thread, and all of them count here.
#pragma once

#include <array>
#include <atomic>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "gateway/process/log.hpp"

namespace companion::gateway {

// Which connection failed: a client's HTTP request (before any upgrade), a client's
// WebSocket, or one of the server's own outbound connections to a social source.
enum class connection_side { http, websocket, source };

struct connection_step_name {
  connection_side side;
  std::string_view step;
};

// Every side and step that is counted, so each series exists (at 0) from the start.
inline constexpr std::array<connection_step_name, 16> connection_steps{{
    {connection_side::http, "proxy_header"},
    {connection_side::http, "tls_handshake"},
    {connection_side::http, "read_header"},
    {connection_side::http, "read_body"},
    {connection_side::http, "write"},
    {connection_side::websocket, "read"},
    {connection_side::websocket, "write"},
    {connection_side::websocket, "frame"},
    {connection_side::source, "resolve"},
    {connection_side::source, "connect"},
    {connection_side::source, "tls_sni"},
    {connection_side::source, "tls_handshake"},
    {connection_side::source, "websocket_handshake"},
    {connection_side::source, "write"},
    {connection_side::source, "read"},
    {connection_side::source, "other"},
}};

std::string_view to_string(connection_side side);

// How often each of connection_steps failed, in the same order.
std::uint64_t connection_error_count(std::size_t index);

// Counts the failure and, at --log-level debug, writes one connection_error line.
// `step` is one of connection_steps for `side`; a source's step may be spelled with
// spaces ("tls handshake"), and an unknown one counts as "other". `why` is the error
// (the error code's message); `fields` say which connection.
void connection_failed(connection_side side, std::string_view step, const boost::system::error_code& ec,
                       std::initializer_list<log_field> fields = {});
void connection_failed(connection_side side, std::string_view step, std::string_view why,
                       std::initializer_list<log_field> fields = {});

}  // namespace companion::gateway
