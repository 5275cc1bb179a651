#pragma once
// A small streaming XML writer for the query protocols' replies: elements, escaped text, one
// namespace attribute on the root. No DOM: replies are written in one pass.
#include <string>
#include <string_view>
#include <vector>

namespace ecslocal::api::protocol {

class XmlWriter {
 public:
  explicit XmlWriter(bool declaration = false);

  void open(std::string_view name, std::string_view xmlns = {});
  void close();  // the innermost open element
  void element(std::string_view name, std::string_view text);  // <name>text</name>
  std::string finish();                                          // closes what is still open

 private:
  std::string out_;
  std::vector<std::string> open_;
};

// Text or attribute value with &, <, >, " and control characters escaped.
std::string xml_escape(std::string_view text);

}  // namespace ecslocal::api::protocol
