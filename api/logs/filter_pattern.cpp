#include "api/logs/filter_pattern.hpp"

#include <algorithm>

#include "api/logs/validation.hpp"

namespace ecslocal::api::logs {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads a quoted phrase starting at text[i] == '"'; leaves i after the closing quote.
std::string read_quoted(const std::string& text, std::size_t& i) {
  std::string out;
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[++i];
    } else if (text[i] == '"') {
      ++i;
      return out;
    } else {
      out += text[i];
    }
  }
  invalid_parameter("Invalid character(s) in term '\"" + out + "'");
}

std::string read_bare(const std::string& text, std::size_t& i) {
  const std::size_t start = i;
  while (i < text.size() && !space(text[i])) ++i;
  return text.substr(start, i - start);
}

}  // namespace

FilterPattern FilterPattern::parse(const std::string& text) {
  FilterPattern p;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[' || text[first] == '%'))
    invalid_parameter("ecslocal supports only term filter patterns (terms, \"phrases\", ?any, -exclude); "
                      "JSON, space-delimited and regular-expression patterns are not supported: " + text);
  std::size_t i = 0;
  while (i < text.size()) {
    if (space(text[i])) {
      ++i;
      continue;
    }
    char kind = ' ';
    if ((text[i] == '?' || text[i] == '-') && i + 1 < text.size() && !space(text[i + 1])) kind = text[i++];
    std::string term = text[i] == '"' ? read_quoted(text, i) : read_bare(text, i);
    if (term.empty()) continue;  // "" alone matches everything
    (kind == '?' ? p.any_ : kind == '-' ? p.none_ : p.all_).push_back(std::move(term));
  }
  return p;
}

bool FilterPattern::matches(const std::string& message) const {
  auto has = [&](const std::string& term) { return message.find(term) != std::string::npos; };
  if (!std::all_of(all_.begin(), all_.end(), has)) return false;
  if (!any_.empty() && std::none_of(any_.begin(), any_.end(), has)) return false;
  return std::none_of(none_.begin(), none_.end(), has);
}

}  // namespace ecslocal::api::logs
