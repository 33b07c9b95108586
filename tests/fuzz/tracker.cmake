# Fuzz targets for the hashtag tracker's decoders, one per wire format. Seeds in
# corpus/<name>/ are single lines of the fixtures (tests/unit/tracker/data/).
foreach(format IN ITEMS jetstream mastodon x generic)
  companion_add_fuzzer(${format}_decoder_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/${format}_decoder_fuzz.cpp
                       companion::hashtag_tracker)
endforeach()
