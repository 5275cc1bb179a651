// Form parameters → JSON by member name, for the query and ec2 protocols. Names on the wire:
//   query: member locationName else member name; lists Name.member.N (the list member's
//          locationName replaces "member"), flattened lists Name.N; maps Name.entry.N.key/value
//   ec2:   queryName, else locationName with its first letter capitalised, else member name;
//          lists always Name.N
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>

#include "api/protocol/aws_error.hpp"
#include "api/protocol/query_codec.hpp"
#include "api/protocol/timestamp.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

class FormDecoder {
 public:
  FormDecoder(const FormParams& params, const QueryInputRules& rules) : params_(params), rules_(rules) {}

  json structure(const Shape& shape, const std::string& prefix, const std::string& path) {
    json out = json::object();
    for (const auto& member : shape.members) {
      const std::string name = wire_name(member);
      const std::string key = prefix.empty() ? name : prefix + "." + name;
      if (auto v = value(member, key, join(path, member.name))) out[member.name] = std::move(*v);
    }
    return out;
  }

 private:
  std::optional<json> value(const MemberRef& ref, const std::string& key, const std::string& path) {
    const Shape& shape = *ref.shape;
    switch (shape.type) {
      case ShapeType::Structure:
        if (!present_under(key)) return std::nullopt;
        return structure(shape, key, path);
      case ShapeType::List: return list(ref, key, path);
      case ShapeType::Map: return map(ref, key, path);
      default: {
        auto it = params_.find(key);
        if (it == params_.end()) return std::nullopt;
        return scalar(shape, it->second, path, key);
      }
    }
  }

  std::optional<json> list(const MemberRef& ref, const std::string& key, const std::string& path) {
    const Shape& shape = *ref.shape;
    std::string items_prefix = key;
    if (rules_.dialect == QueryDialect::Query) {
      if (ref.flattened || shape.flattened) {
        if (!shape.member.location_name.empty()) {
          const auto dot = key.rfind('.');
          items_prefix = (dot == std::string::npos ? "" : key.substr(0, dot + 1)) + shape.member.location_name;
        }
      } else {
        items_prefix = key + "." + (shape.member.location_name.empty() ? "member" : shape.member.location_name);
      }
    }
    const auto indices = indices_under(items_prefix);
    if (indices.empty()) {
      // "Name=" is how botocore sends an empty list.
      auto it = params_.find(key);
      if (it != params_.end() && it->second.empty()) return json::array();
      return std::nullopt;
    }
    json out = json::array();
    for (long index : indices) {
      const std::string item_key = items_prefix + "." + std::to_string(index);
      if (auto v = value(shape.member, item_key, path + "." + std::to_string(index) + ".member")) out.push_back(std::move(*v));
    }
    return out;
  }

  std::optional<json> map(const MemberRef& ref, const std::string& key, const std::string& path) {
    const Shape& shape = *ref.shape;
    const std::string entries = (ref.flattened || shape.flattened) ? key : key + ".entry";
    const std::string key_name = shape.key.location_name.empty() ? "key" : shape.key.location_name;
    const std::string value_name = shape.value.location_name.empty() ? "value" : shape.value.location_name;
    const auto indices = indices_under(entries);
    if (indices.empty()) return std::nullopt;
    json out = json::object();
    for (long index : indices) {
      const std::string entry = entries + "." + std::to_string(index) + ".";
      auto k = params_.find(entry + key_name);
      if (k == params_.end()) continue;
      if (auto v = value(shape.value, entry + value_name, path + "." + k->second)) out[k->second] = std::move(*v);
    }
    return out;
  }

  json scalar(const Shape& shape, const std::string& text, const std::string& path, const std::string& key) {
    switch (shape.type) {
      case ShapeType::Boolean:
        if (text == "true") return true;
        if (text == "false") return false;
        bad_value(text, path, key, "Boolean");
      case ShapeType::Integer:
      case ShapeType::Long: {
        long long n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || p != text.data() + text.size() || text.empty()) bad_value(text, path, key, "Integer");
        return n;
      }
      case ShapeType::Double:
      case ShapeType::Float: {
        double d = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec != std::errc() || p != text.data() + text.size() || text.empty() || !std::isfinite(d))
          bad_value(text, path, key, "Double");
        return d;
      }
      case ShapeType::Timestamp:
        if (auto t = parse_timestamp(text)) return *t;
        bad_value(text, path, key, "Timestamp");
      default: return text;
    }
  }

  [[noreturn]] void bad_value(const std::string& text, const std::string& path, const std::string& key, const char* type) {
    if (rules_.dialect == QueryDialect::Ec2)
      throw AwsError(rules_.validation_error_code,
                     "Value (" + text + ") for parameter " + key + " is invalid. Expected: '" + type + "'.");
    throw AwsError(rules_.validation_error_code, "1 validation error detected: Value '" + text + "' at '" + path +
                                                     "' failed to satisfy constraint: Member must be a valid " + type);
  }

  // Indices N of "<prefix>.N" and "<prefix>.N.<anything>", in numeric order.
  std::set<long> indices_under(const std::string& prefix) const {
    std::set<long> out;
    const std::string start = prefix + ".";
    for (auto it = params_.lower_bound(start); it != params_.end() && starts_with(it->first, start); ++it) {
      const char* begin = it->first.data() + start.size();
      const char* end = it->first.data() + it->first.size();
      long n = 0;
      auto [p, ec] = std::from_chars(begin, end, n);
      if (ec == std::errc() && p != begin && (p == end || *p == '.') && n >= 1) out.insert(n);
    }
    return out;
  }

  bool present_under(const std::string& key) const {
    const std::string start = key + ".";
    auto it = params_.lower_bound(start);
    return it != params_.end() && starts_with(it->first, start);
  }

  std::string wire_name(const MemberRef& member) const {
    if (rules_.dialect == QueryDialect::Ec2) {
      if (!member.query_name.empty()) return member.query_name;
      if (!member.location_name.empty()) {
        std::string name = member.location_name;
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
        return name;
      }
      return member.name;
    }
    return member.location_name.empty() ? member.name : member.location_name;
  }

  std::string join(const std::string& path, const std::string& member) const {
    std::string name = member;
    if (rules_.camel_case_paths && !name.empty())
      name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
    return path.empty() ? name : path + "." + name;
  }

  const FormParams& params_;
  const QueryInputRules& rules_;
};

}  // namespace

QueryDialect dialect_of(const ServiceModel& model) {
  return model.protocol == "ec2" ? QueryDialect::Ec2 : QueryDialect::Query;
}

json decode_query_input(const Shape* shape, const FormParams& params, const QueryInputRules& rules) {
  if (!shape) return json::object();
  return FormDecoder(params, rules).structure(*shape, "", "");
}

}  // namespace ecslocal::api::protocol
