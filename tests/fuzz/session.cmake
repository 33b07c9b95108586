# Fuzz targets of the session core. Included by tests/fuzz/CMakeLists.txt.
companion_add_fuzzer(event_file_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/event_file_fuzz.cpp companion::session)
companion_add_fuzzer(command_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/command_fuzz.cpp companion::session)
companion_add_fuzzer(journal_record_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/journal_record_fuzz.cpp companion::session)
companion_add_fuzzer(engine_snapshot_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/engine_snapshot_fuzz.cpp companion::session)
