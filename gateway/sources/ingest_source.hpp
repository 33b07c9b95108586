// One place social posts come from (a replay file, a Jetstream or Mastodon
// stream). Sources live on the ingest thread and hand every frame to the host.
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace companion::gateway {

class ingest_source {
 public:
  virtual ~ingest_source() = default;
  virtual void start() = 0;
  // Cancels timers and connections; the ingest thread may still run their handlers once.
  virtual void stop() = 0;
  // For /metrics and the moderator console: {"kind","state","frames","lag_ms",...}.
  virtual boost::json::object status() const = 0;
};

}  // namespace companion::gateway
