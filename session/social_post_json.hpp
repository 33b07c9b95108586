// A social post and a moderation verdict as the journal and snapshots write them.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "social_post.hpp"

namespace companion::session {

boost::json::object post_to_json(const social_post& post);
// Missing or mistyped fields read as empty: the journal's posts were written by this code.
social_post post_from_json(const boost::json::object& json);

std::string_view to_string(post_verdict v);
// "rejected", "approved"; anything else is pending.
post_verdict parse_verdict(std::string_view text);

}  // namespace companion::session
