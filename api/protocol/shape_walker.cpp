#include "api/protocol/shape_walker.hpp"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

// Jackson-style token names, as Coral's deserializer reports them.
const char* token_name(const json& v) {
  if (v.is_string()) return "STRING_VALUE";
  if (v.is_boolean()) return v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE";
  if (v.is_number()) return "NUMBER_VALUE";
  return "VALUE";
}

const char* java_type(ShapeType type) {
  switch (type) {
    case ShapeType::String: return "a String";
    case ShapeType::Integer: return "an Integer";
    case ShapeType::Long: return "a Long";
    case ShapeType::Boolean: return "a Boolean";
    case ShapeType::Double: return "a Double";
    case ShapeType::Float: return "a Float";
    case ShapeType::Timestamp: return "a Date";
    case ShapeType::Blob: return "a ByteBuffer";
    default: return "an Object";
  }
}

[[noreturn]] void wrong_type(const Shape& shape, const json& v) {
  if (v.is_object()) throw serialization_error("Start of structure or map found where not expected.");
  if (v.is_array()) throw serialization_error("Start of list found where not expected");
  if (shape.type == ShapeType::Structure || shape.type == ShapeType::Map) throw serialization_error("Expected null");
  if (shape.type == ShapeType::List) throw serialization_error("Expected list or null");
  throw serialization_error(std::string(token_name(v)) + " can not be converted to " + java_type(shape.type));
}

std::string join_path(const std::string& path, const std::string& member) {
  return path.empty() ? member : path + "." + member;
}

class InputWalker {
 public:
  explicit InputWalker(const InputRules& rules) : rules_(rules) {}

  void walk(const Shape& shape, json& v, const std::string& path) {
    switch (shape.type) {
      case ShapeType::Structure: return walk_structure(shape, v, path);
      case ShapeType::List: return walk_list(shape, v, path);
      case ShapeType::Map: return walk_map(shape, v, path);
      case ShapeType::String:
        if (!v.is_string()) wrong_type(shape, v);
        check_string(shape, v.get_ref<const std::string&>(), path);
        return;
      case ShapeType::Boolean:
        if (!v.is_boolean()) wrong_type(shape, v);
        return;
      case ShapeType::Integer:
      case ShapeType::Long:
        if (!v.is_number_integer()) wrong_type(shape, v);
        check_range(shape, v.get<double>(), path);
        return;
      case ShapeType::Double:
      case ShapeType::Float:
        if (!v.is_number()) wrong_type(shape, v);
        check_range(shape, v.get<double>(), path);
        return;
      case ShapeType::Timestamp:
        if (!v.is_number()) wrong_type(shape, v);
        return;
      case ShapeType::Blob:
        if (!v.is_string()) wrong_type(shape, v);
        return;
    }
  }

 private:
  void walk_structure(const Shape& shape, json& v, const std::string& path) {
    if (!v.is_object()) wrong_type(shape, v);
    for (auto it = v.begin(); it != v.end();) {
      const MemberRef* member = shape.find_member(it.key());
      if (member && it->is_null()) {
        it = v.erase(it);
        continue;
      }
      if (!member) {
        // Tolerated (clients may be newer than the model) but not kept: what a handler stores
        // as given stays within the model, so no later reply can carry a member it lacks.
        it = v.erase(it);
        continue;
      }
      walk(*member->shape, *it, member_path(path, it.key()));
      ++it;
    }
    for (const auto& name : shape.required) {
      if (v.contains(name)) continue;
      if (!rules_.missing_member_code.empty())
        throw AwsError(rules_.missing_member_code, "The request must contain the parameter " + join_path(path, name));
      fail("Value null at '" + member_path(path, name) + "' failed to satisfy constraint: Member must not be null");
    }
  }

  void walk_list(const Shape& shape, json& v, const std::string& path) {
    if (!v.is_array()) wrong_type(shape, v);
    check_size(shape, v.size(), path);
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i].is_null()) continue;
      walk(*shape.member.shape, v[i], path + "." + std::to_string(i + 1) + ".member");
    }
  }

  void walk_map(const Shape& shape, json& v, const std::string& path) {
    if (!v.is_object()) wrong_type(shape, v);
    check_size(shape, v.size(), path);
    for (auto& [key, item] : v.items()) {
      json key_json = key;
      walk(*shape.key.shape, key_json, path);
      if (!item.is_null()) walk(*shape.value.shape, item, path + "." + key);
    }
  }

  void check_string(const Shape& shape, const std::string& s, const std::string& path) {
    if (rules_.check_enums && !shape.enum_values.empty() && !shape.enum_values.count(s)) {
      std::string allowed;
      for (const auto& e : shape.enum_order) allowed += (allowed.empty() ? "" : ", ") + e;
      fail("Value '" + s + "' at '" + path + "' failed to satisfy constraint: Member must satisfy enum value set: [" + allowed + "]");
    }
    check_size(shape, s.size(), path, "'" + s + "'");
  }

  void check_size(const Shape& shape, size_t size, const std::string& path, const std::string& shown = "") {
    const std::string value = shown.empty() ? "'" + std::to_string(size) + " items'" : shown;
    if (shape.min && static_cast<double>(size) < *shape.min)
      fail("Value " + value + " at '" + path + "' failed to satisfy constraint: Member must have length greater than or equal to " + std::to_string(static_cast<long long>(*shape.min)));
    if (shape.max && static_cast<double>(size) > *shape.max)
      fail("Value " + value + " at '" + path + "' failed to satisfy constraint: Member must have length less than or equal to " + std::to_string(static_cast<long long>(*shape.max)));
  }

  void check_range(const Shape& shape, double n, const std::string& path) {
    auto text = [](double d) { return d == std::floor(d) ? std::to_string(static_cast<long long>(d)) : std::to_string(d); };
    if (shape.min && n < *shape.min)
      fail("Value '" + text(n) + "' at '" + path + "' failed to satisfy constraint: Member must have value greater than or equal to " + text(*shape.min));
    if (shape.max && n > *shape.max)
      fail("Value '" + text(n) + "' at '" + path + "' failed to satisfy constraint: Member must have value less than or equal to " + text(*shape.max));
  }

  std::string member_path(const std::string& path, std::string member) const {
    if (rules_.camel_case_paths && !member.empty())
      member[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(member[0])));
    return join_path(path, member);
  }

  [[noreturn]] void fail(const std::string& detail) {
    throw AwsError(rules_.validation_error_code, "1 validation error detected: " + detail);
  }

  const InputRules& rules_;
};

bool scalar_matches(ShapeType type, const json& v) {
  switch (type) {
    case ShapeType::String:
    case ShapeType::Blob: return v.is_string();
    case ShapeType::Boolean: return v.is_boolean();
    case ShapeType::Integer:
    case ShapeType::Long: return v.is_number_integer();
    case ShapeType::Double:
    case ShapeType::Float:
    case ShapeType::Timestamp: return v.is_number();
    default: return false;
  }
}

void output_walk(const Shape& shape, json& v, bool strict, const std::string& path) {
  auto mismatch = [&](const std::string& what) {
    throw std::logic_error("response does not match shape " + shape.name + " at '" + path + "': " + what);
  };
  switch (shape.type) {
    case ShapeType::Structure:
      if (!v.is_object()) return mismatch("expected an object, got " + v.dump());
      for (auto it = v.begin(); it != v.end();) {
        const MemberRef* member = shape.find_member(it.key());
        if (it->is_null() || (!member && !strict)) {
          it = v.erase(it);
          continue;
        }
        if (!member) mismatch("unknown member '" + it.key() + "'");
        output_walk(*member->shape, *it, strict, join_path(path, it.key()));
        ++it;
      }
      if (strict) {
        for (const auto& name : shape.required)
          if (!v.contains(name)) mismatch("required member '" + name + "' missing");
      }
      return;
    case ShapeType::List:
      if (!v.is_array()) return mismatch("expected a list");
      for (auto it = v.begin(); it != v.end();) {
        if (it->is_null()) {
          it = v.erase(it);
          continue;
        }
        output_walk(*shape.member.shape, *it, strict, path + "[]");
        ++it;
      }
      return;
    case ShapeType::Map:
      if (!v.is_object()) return mismatch("expected a map");
      for (auto& [key, item] : v.items()) output_walk(*shape.value.shape, item, strict, path + "." + key);
      return;
    default:
      if (strict && !scalar_matches(shape.type, v)) mismatch(std::string("expected ") + to_string(shape.type) + ", got " + v.dump());
      if (strict && shape.type == ShapeType::String && !shape.enum_values.empty() && !shape.enum_values.count(v.get<std::string>()))
        mismatch("'" + v.get<std::string>() + "' is not in the enum of " + shape.name);
      return;
  }
}

}  // namespace

void check_input(const Shape& shape, nlohmann::json& value, const InputRules& rules) {
  InputWalker(rules).walk(shape, value, "");
}

void shape_output(const Shape& shape, nlohmann::json& value, bool strict) {
  output_walk(shape, value, strict, "");
}

}  // namespace ecslocal::api::protocol
