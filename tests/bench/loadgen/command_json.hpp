// Client commands as JSON text, built with Boost.JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

// {"type":"hello","id":id} plus "event" and "token" when not empty.
std::string hello_command(std::int64_t id, std::string_view event, std::string_view token);

// {"type":"announce","id":id,"text":text}
std::string announce_command(std::int64_t id, std::string_view text);

// {"type":"react","emoji":emoji}, without an id: nobody waits for its ack.
std::string react_command(std::string_view emoji);

// {"type":type,"id":id} for agenda.start, agenda.next, agenda.previous.
std::string simple_command(std::string_view type, std::int64_t id);

}  // namespace loadgen
