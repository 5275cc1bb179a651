#include "api/protocol/model.hpp"

#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/protocol/model_sources.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

ShapeType parse_type(const std::string& type) {
  static const std::unordered_map<std::string, ShapeType> types{
      {"structure", ShapeType::Structure}, {"list", ShapeType::List},       {"map", ShapeType::Map},
      {"string", ShapeType::String},       {"integer", ShapeType::Integer}, {"long", ShapeType::Long},
      {"boolean", ShapeType::Boolean},     {"double", ShapeType::Double},   {"float", ShapeType::Float},
      {"timestamp", ShapeType::Timestamp}, {"blob", ShapeType::Blob}};
  auto it = types.find(type);
  if (it == types.end()) throw std::runtime_error("unknown shape type in model: " + type);
  return it->second;
}

std::string string_or(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const MemberRef* Shape::find_member(std::string_view member_name) const {
  auto it = member_index.find(std::string(member_name));
  return it == member_index.end() ? nullptr : &members[it->second];
}

std::unique_ptr<ServiceModel> ServiceModel::parse(std::string_view compact_json) {
  auto doc = json::parse(compact_json);
  auto model = std::make_unique<ServiceModel>();
  const auto& meta = doc.at("metadata");
  model->protocol = string_or(meta, "protocol");
  model->target_prefix = string_or(meta, "targetPrefix");
  model->endpoint_prefix = string_or(meta, "endpointPrefix");
  model->signing_name = string_or(meta, "signingName");
  if (model->signing_name.empty()) model->signing_name = model->endpoint_prefix;
  model->api_version = string_or(meta, "apiVersion");
  model->xml_namespace = string_or(meta, "xmlNamespace");
  model->service_id = string_or(meta, "serviceId");
  model->json_version = string_or(meta, "jsonVersion");

  // First pass: create every shape so references can be resolved in the second.
  for (const auto& [name, spec] : doc.at("shapes").items()) {
    auto shape = std::make_unique<Shape>();
    shape->name = name;
    shape->type = parse_type(spec.at("type").get<std::string>());
    model->shapes_.emplace(name, std::move(shape));
  }
  auto resolve = [&](const json& ref, const std::string& member_name) {
    MemberRef m;
    m.name = member_name;
    m.shape = model->find_shape(ref.at("shape").get<std::string>());
    if (!m.shape) throw std::runtime_error("dangling shape reference " + ref.dump());
    m.location_name = string_or(ref, "locationName");
    m.query_name = string_or(ref, "queryName");
    m.flattened = ref.value("flattened", false);
    m.xml_attribute = ref.value("xmlAttribute", false);
    return m;
  };
  for (const auto& [name, spec] : doc.at("shapes").items()) {
    Shape& shape = *model->shapes_.at(name);
    if (auto it = spec.find("members"); it != spec.end()) {
      for (const auto& [member_name, ref] : it->items()) {
        shape.member_index.emplace(member_name, shape.members.size());
        shape.members.push_back(resolve(ref, member_name));
      }
    }
    if (spec.contains("member")) shape.member = resolve(spec["member"], "member");
    if (spec.contains("key")) shape.key = resolve(spec["key"], "key");
    if (spec.contains("value")) shape.value = resolve(spec["value"], "value");
    if (spec.contains("required")) shape.required = spec["required"].get<std::vector<std::string>>();
    if (spec.contains("enum")) {
      shape.enum_order = spec["enum"].get<std::vector<std::string>>();
      shape.enum_values.insert(shape.enum_order.begin(), shape.enum_order.end());
    }
    if (spec.contains("min")) shape.min = spec["min"].get<double>();
    if (spec.contains("max")) shape.max = spec["max"].get<double>();
    shape.exception = spec.value("exception", false);
    shape.fault = spec.value("fault", false);
    shape.flattened = spec.value("flattened", false);
    shape.timestamp_format = string_or(spec, "timestampFormat");
    shape.location_name = string_or(spec, "locationName");
    if (auto it = spec.find("error"); it != spec.end()) {
      shape.error_code = string_or(*it, "code");
      shape.http_status = it->value("httpStatusCode", 0);
    }
  }
  for (const auto& [name, spec] : doc.at("operations").items()) {
    Operation op;
    op.name = name;
    if (spec.contains("input")) op.input = model->find_shape(spec["input"].get<std::string>());
    if (spec.contains("output")) op.output = model->find_shape(spec["output"].get<std::string>());
    op.result_wrapper = string_or(spec, "resultWrapper");
    for (const auto& e : spec.at("errors")) op.errors.push_back(model->find_shape(e.get<std::string>()));
    model->operations_.emplace(name, std::move(op));
  }
  return model;
}

const ServiceModel& ServiceModel::get(std::string_view service) {
  // Parsed once per service on first use; start-up only pays for the services it serves.
  static std::mutex mutex;
  static std::unordered_map<std::string, std::unique_ptr<ServiceModel>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(std::string(service));
  if (it != cache.end()) return *it->second;
  for (const auto& source : model_sources()) {
    if (source.service == service) {
      auto [inserted, _] = cache.emplace(std::string(service), parse(source.json));
      return *inserted->second;
    }
  }
  throw std::runtime_error("no embedded AWS model for service " + std::string(service));
}

const Operation* ServiceModel::find_operation(std::string_view name) const {
  auto it = operations_.find(std::string(name));
  return it == operations_.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::find_shape(std::string_view name) const {
  auto it = shapes_.find(std::string(name));
  return it == shapes_.end() ? nullptr : it->second.get();
}

const char* to_string(ShapeType type) {
  switch (type) {
    case ShapeType::Structure: return "structure";
    case ShapeType::List: return "list";
    case ShapeType::Map: return "map";
    case ShapeType::String: return "string";
    case ShapeType::Integer: return "integer";
    case ShapeType::Long: return "long";
    case ShapeType::Boolean: return "boolean";
    case ShapeType::Double: return "double";
    case ShapeType::Float: return "float";
    case ShapeType::Timestamp: return "timestamp";
    case ShapeType::Blob: return "blob";
  }
  return "?";
}

}  // namespace ecslocal::api::protocol
