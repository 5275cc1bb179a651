#pragma once
// The AWS API model of one service, from the tables and the compact document generated at build
// time. It decides operations, shapes, required members, enums and error types.
#include <atomic>
#include <map>
#include <mutex>
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

struct ModelSource;

// A service's model. Its metadata and operation names come from constant tables generated at
// build time; its shapes and operations are parsed from the embedded document on first use
// (find_operation, find_shape, operations), so start-up and services nobody calls pay nothing.
class ServiceModel {
 public:
  // Eager: parses a compact document now (tests, tools).
  static std::unique_ptr<ServiceModel> parse(std::string_view compact_json);
  // Lazy: metadata now, the document on first use.
  static std::unique_ptr<ServiceModel> from_source(const ModelSource& source);

  // The embedded model of a service ("ecs", "logs", "ec2", "iam", "sts", "elbv2", "autoscaling").
  static const ServiceModel& get(std::string_view service);

  // Whether the model has the operation, without parsing the model.
  bool has_operation(std::string_view name) const;
  // Whether the shapes and operations have been parsed.
  bool loaded() const;

  const Operation* find_operation(std::string_view name) const;
  const Shape* find_shape(std::string_view name) const;
  // The exception shape a query error code names (its "error": {"code"}, else its own name).
  const Shape* find_error_shape(std::string_view code) const;
  const std::map<std::string, Operation>& operations() const;

  std::string protocol, target_prefix, endpoint_prefix, signing_name, api_version, xml_namespace, service_id;
  std::string json_version;  // "1.0" or "1.1" for JSON protocols
  std::vector<std::string> protocols;  // every protocol the service answers ("query", "json", ...)
  bool query_compatible = false;       // awsQueryCompatible: JSON errors carry x-amzn-query-error

  bool speaks(std::string_view wire_protocol) const;

 private:
  struct Tables {
    std::unordered_map<std::string, std::unique_ptr<Shape>> shapes;
    std::map<std::string, Operation> operations;
  };
  const Tables& tables() const;
  void parse_document(std::string_view compact_json, bool metadata_too);

  std::string_view source_;                       // the embedded document (empty once parsed eagerly)
  const std::string_view* operation_names_ = nullptr;  // sorted, from the generated table
  std::size_t operation_count_ = 0;
  mutable std::once_flag once_;
  mutable std::atomic<bool> loaded_{false};
  mutable Tables tables_;
};

const char* to_string(ShapeType type);

}  // namespace ecslocal::api::protocol
