# companion::gateway_protocol: the socket-free protocol parts of the gateway (WebSocket
# framing, handshake key, tokens, viewer ids, client addresses behind proxies),
# unit-tested and fuzzed on their own.
cmake_path(GET CMAKE_CURRENT_LIST_DIR PARENT_PATH companion_protocol_root)

add_library(companion_gateway_protocol STATIC
  ${CMAKE_CURRENT_LIST_DIR}/ws_frame_parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ws_frame_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ws_handshake.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jwt.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer_id.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client_address.cpp
  ${CMAKE_CURRENT_LIST_DIR}/proxy_header.cpp
  ${CMAKE_CURRENT_LIST_DIR}/address_key.cpp
)
add_library(companion::gateway_protocol ALIAS companion_gateway_protocol)
target_include_directories(companion_gateway_protocol PUBLIC ${companion_protocol_root})
target_link_libraries(companion_gateway_protocol
  PUBLIC OpenSSL::Crypto Boost::json companion::sanitizers
  PRIVATE companion::warnings)

# Only session/types.hpp is needed (role, millis). Use the session library when it is
# part of the build; otherwise compile its vocabulary file here.
if(TARGET companion::session)
  target_link_libraries(companion_gateway_protocol PUBLIC companion::session)
else()
  target_sources(companion_gateway_protocol PRIVATE ${companion_protocol_root}/session/types.cpp)
endif()

# libFuzzer only adds coverage instrumentation to the fuzz executables themselves;
# without this the fuzzers would be blind to the code they are meant to explore.
if(COMPANION_LIBFUZZER)
  target_compile_options(companion_gateway_protocol PRIVATE -fsanitize=fuzzer-no-link)
endif()
