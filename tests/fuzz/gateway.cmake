# Fuzz targets for the gateway's protocol parts: client WebSocket frames and tokens.
companion_add_fuzzer(ws_frame_fuzz ${CMAKE_CURRENT_LIST_DIR}/ws_frame_fuzz.cpp companion::gateway_protocol)
companion_add_fuzzer(token_fuzz ${CMAKE_CURRENT_LIST_DIR}/token_fuzz.cpp companion::gateway_protocol)
# Client addresses behind proxies: the PROXY v2 header and the X-Forwarded-For rule.
companion_add_fuzzer(proxy_header_fuzz ${CMAKE_CURRENT_LIST_DIR}/proxy_header_fuzz.cpp companion::gateway_protocol)
# What a client sends on /ws: session commands and the gateway's connection messages.
companion_add_fuzzer(client_message_fuzz ${CMAKE_CURRENT_LIST_DIR}/client_message_fuzz.cpp companion::gateway)
# --store redis://HOST:PORT[/DB].
companion_add_fuzzer(redis_url_fuzz ${CMAKE_CURRENT_LIST_DIR}/redis_url_fuzz.cpp companion::gateway)
