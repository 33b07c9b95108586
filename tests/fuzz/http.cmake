# HTTP request handling on an in-memory stream: Beast's parser with the server's limits,
# the WebSocket upgrade check and the JSON error responses of the gateway.
companion_add_fuzzer(http_fuzz ${CMAKE_CURRENT_LIST_DIR}/http_fuzz.cpp companion::gateway)
