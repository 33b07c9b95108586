#include "gateway/net/client_message.hpp"

#include "session/frame_fields.hpp"

namespace companion::gateway {
namespace {

namespace od = simdjson::ondemand;
using namespace session::frame_fields;

bool read_resume(od::value& value, std::optional<resume_point>& out, std::string& error) {
  od::object object;
  if (value.get_object().get(object)) {
    if (error.empty()) error = "field \"resume\" must be an object with epoch and seq";
    return false;
  }
  resume_point point;
  bool have_epoch = false, have_seq = false;
  for (auto field : object) {
    std::string_view key;
    od::value inner;
    if (field.unescaped_key().get(key) || field.value().get(inner)) {
      if (error.empty()) error = "malformed JSON";
      return false;
    }
    if (key == "epoch") {
      std::string_view epoch;
      if (inner.get_string().get(epoch)) {
        have_epoch = false;
        break;
      }
      point.epoch = epoch;
      have_epoch = true;
    } else if (key == "seq") {
      if (inner.get_uint64().get(point.seq)) {
        have_seq = false;
        break;
      }
      have_seq = true;
    } else if (auto why = check_unused(inner, 2); !why.empty()) {
      if (error.empty()) error = why;
      return false;
    }
  }
  if (!have_epoch || !have_seq) {
    if (error.empty()) error = "field \"resume\" must be an object with epoch (string) and seq (integer)";
    return false;
  }
  out = std::move(point);
  return true;
}

// The connection messages' fields, read in the same pass as a command's. Any frame may
// carry them (they are checked whatever the type, as every known field is).
class connection_fields final : public session::foreign_fields {
 public:
  bool read(std::string_view key, od::value& value, std::string& error) override {
    if (key == "event") {
      read_string(value, key, hello_.event, error);
    } else if (key == "token") {
      read_string(value, key, hello_.token, error);
    } else if (key == "viewer") {
      read_string(value, key, hello_.viewer, error);
    } else if (key == "resume") {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) read_resume(value, hello_.resume, error);
    } else {
      return false;
    }
    return true;
  }

  bool knows_type(std::string_view type) const override;

  hello hello_;
};

// The connection messages, each once: its name on the wire and how it is built.
struct connection_row {
  std::string_view name;
  void (*build)(connection_fields&, client_message&);
};
constexpr connection_row connection_table[]{
    {"hello", [](connection_fields& f, client_message& out) { out.body = std::move(f.hello_); }},
    {"ping", [](connection_fields&, client_message& out) { out.body = ping{}; }},
    {"token.refresh", [](connection_fields&, client_message& out) { out.body = token_refresh{}; }},
};

const connection_row* find_row(std::string_view type) {
  for (const auto& row : connection_table)
    if (row.name == type) return &row;
  return nullptr;
}

bool connection_fields::knows_type(std::string_view type) const {
  return find_row(type) != nullptr;
}

}  // namespace

session::role required_role(const token_refresh&) {
  return session::role::moderator;
}

bool client_decoder::decode(std::string_view frame, client_message& out, session::decode_failure& failure) {
  session::command cmd;
  connection_fields fields;
  std::string type;
  switch (commands_.decode(frame, cmd, failure, &fields, &type)) {
    case session::command_decoder::result::refused:
      return false;
    case session::command_decoder::result::command:
      out.id = std::move(cmd.id);
      out.body = std::move(cmd.body);
      return true;
    case session::command_decoder::result::foreign:
      break;
  }
  out.id = std::move(cmd.id);
  find_row(type)->build(fields, out);
  return true;
}

}  // namespace companion::gateway
