#pragma once
// CloudWatch Logs filter patterns for unstructured text, the subset ecslocal understands:
//   ERROR Exception     every term must appear (case-sensitive substrings)
//   "connection reset"  a quoted phrase is one term (\" and \\ escape inside quotes)
//   ?ERROR ?WARN        any of the ?-terms must appear
//   ERROR -Retry        no -term may appear
//   "" or empty         every event matches
// JSON patterns ({ $.x = ... }), space-delimited patterns ([a, b, ...]) and regular expressions
// (%...%) are not supported: parse() refuses them with InvalidParameterException.
#include <string>
#include <vector>

namespace ecslocal::api::logs {

class FilterPattern {
 public:
  static FilterPattern parse(const std::string& text);
  bool matches(const std::string& message) const;
  bool matches_everything() const { return all_.empty() && any_.empty() && none_.empty(); }

 private:
  std::vector<std::string> all_, any_, none_;
};

}  // namespace ecslocal::api::logs
