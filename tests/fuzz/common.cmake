# Fuzz targets for the shared helpers: ISO 8601 times in both spellings.
companion_add_fuzzer(iso_time_fuzz ${CMAKE_CURRENT_LIST_DIR}/iso_time_fuzz.cpp companion::common)
