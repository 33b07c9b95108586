// Signed anonymous viewer ids.
#include "gateway/protocol/viewer_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace companion::gateway {
namespace {

constexpr std::string_view secret = "viewer-test-secret";

TEST(ViewerIdTest, IssuedIdVerifies) {
  const std::string id = issue_viewer_id(secret);
  EXPECT_EQ(id.size(), 48u);
  EXPECT_TRUE(id.starts_with("v1."));
  EXPECT_TRUE(verify_viewer_id(id, secret));
}

TEST(ViewerIdTest, IdsAreUnique) {
  EXPECT_NE(issue_viewer_id(secret), issue_viewer_id(secret));
}

TEST(ViewerIdTest, WrongSecretIsRejected) {
  EXPECT_FALSE(verify_viewer_id(issue_viewer_id(secret), "another-secret"));
  EXPECT_FALSE(verify_viewer_id(issue_viewer_id(secret), ""));
}

TEST(ViewerIdTest, TamperedNonceIsRejected) {
  std::string id = issue_viewer_id(secret);
  id[5] = id[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_viewer_id(id, secret));
}

TEST(ViewerIdTest, TamperedMacIsRejected) {
  std::string id = issue_viewer_id(secret);
  id[30] = id[30] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_viewer_id(id, secret));
}

TEST(ViewerIdTest, WrongShapeIsRejected) {
  const std::string id = issue_viewer_id(secret);
  EXPECT_FALSE(verify_viewer_id("", secret));
  EXPECT_FALSE(verify_viewer_id(id.substr(0, 47), secret));
  EXPECT_FALSE(verify_viewer_id(id + "A", secret));
  EXPECT_FALSE(verify_viewer_id("v2" + id.substr(2), secret));
  std::string no_dot = id;
  no_dot[25] = 'A';
  EXPECT_FALSE(verify_viewer_id(no_dot, secret));
}

}  // namespace
}  // namespace companion::gateway
