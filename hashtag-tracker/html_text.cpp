#include "html_text.hpp"

#include <gumbo.h>

#include <memory>
#include <vector>

namespace companion::tracker {
namespace {

bool is_mention_or_hashtag(const GumboElement& element) {
  GumboAttribute* cls = gumbo_get_attribute(&element.attributes, "class");
  if (cls == nullptr) return false;
  std::string_view value(cls->value);
  return value.find("mention") != std::string_view::npos || value.find("hashtag") != std::string_view::npos;
}

void trim_trailing_spaces(std::string& text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
}

// Iterative walk: hostile HTML can nest deeply, and recursion would follow it.
void walk(const GumboNode* root, html_text& out) {
  std::vector<const GumboNode*> stack{root};
  bool seen_paragraph = false;
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        out.text.append(node->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
      case GUMBO_NODE_DOCUMENT: {
        const GumboVector* children = nullptr;
        if (node->type == GUMBO_NODE_DOCUMENT) {
          children = &node->v.document.children;
        } else {
          const GumboElement& element = node->v.element;
          GumboTag tag = element.tag;
          if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_HEAD) break;
          if (tag == GUMBO_TAG_BR) {
            trim_trailing_spaces(out.text);
            out.text.push_back('\n');
            break;
          }
          if (tag == GUMBO_TAG_P) {
            if (seen_paragraph) {
              trim_trailing_spaces(out.text);
              out.text.append("\n\n");
            }
            seen_paragraph = true;
          }
          if (tag == GUMBO_TAG_A && !is_mention_or_hashtag(element)) ++out.link_count;
          children = &element.children;
        }
        for (unsigned i = children->length; i > 0; --i)
          stack.push_back(static_cast<const GumboNode*>(children->data[i - 1]));
        break;
      }
      case GUMBO_NODE_COMMENT:
        break;
    }
  }
}

}  // namespace

html_text html_to_text(std::string_view html) {
  html_text out;
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> parsed(
      gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()),
      [](GumboOutput* output) { gumbo_destroy_output(&kGumboDefaultOptions, output); });
  if (parsed) walk(parsed->document, out);
  trim_trailing_spaces(out.text);
  while (!out.text.empty() && out.text.back() == '\n') out.text.pop_back();
  return out;
}

}  // namespace companion::tracker
