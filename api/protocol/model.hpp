#pragma once
// The AWS API model of one service, parsed from the compact document generated at build time.
// It decides operations, shapes, required members, enums and error types.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ecslocal::api::protocol {

enum class ShapeType { Structure, List, Map, String, Integer, Long, Boolean, Double, Float, Timestamp, Blob };

struct Shape;

struct MemberRef {
  std::string name;            // wire name in JSON (the member key)
  const Shape* shape = nullptr;
  std::string location_name;   // query/XML name when it differs
  std::string query_name;      // ec2 protocol request name
  bool flattened = false;
  bool xml_attribute = false;
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::String;
  std::vector<MemberRef> members;                      // structure, in model order
  std::unordered_map<std::string, size_t> member_index;
  std::vector<std::string> required;
  MemberRef member;                                    // list element
  MemberRef key, value;                                // map
  bool flattened = false;
  std::unordered_set<std::string> enum_values;
  std::vector<std::string> enum_order;
  std::optional<double> min, max;
  bool exception = false, fault = false;
  std::string error_code;                              // "error": {"code": ...} override
  int http_status = 0;
  std::string timestamp_format;
  std::string location_name;

  const MemberRef* find_member(std::string_view member_name) const;
};

struct Operation {
  std::string name;
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::string result_wrapper;
  std::vector<const Shape*> errors;
};

class ServiceModel {
 public:
  static std::unique_ptr<ServiceModel> parse(std::string_view compact_json);

  // The embedded model of a service ("ecs", "logs", "ec2", "iam", "sts", "elbv2", "autoscaling").
  static const ServiceModel& get(std::string_view service);

  const Operation* find_operation(std::string_view name) const;
  const Shape* find_shape(std::string_view name) const;
  const std::map<std::string, Operation>& operations() const { return operations_; }

  std::string protocol, target_prefix, endpoint_prefix, signing_name, api_version, xml_namespace, service_id;
  std::string json_version;  // "1.0" or "1.1" for JSON protocols

 private:
  std::unordered_map<std::string, std::unique_ptr<Shape>> shapes_;
  std::map<std::string, Operation> operations_;
};

const char* to_string(ShapeType type);

}  // namespace ecslocal::api::protocol
