#include "api/protocol/model.hpp"

#include <algorithm>
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

const Shape* ServiceModel::find_error_shape(std::string_view code) const {
  // The shape named as the code wins (CloudWatch's ResourceNotFound over DashboardNotFoundError,
  // which shares its code); otherwise the first by name, so the answer never depends on hashing.
  if (const Shape* named = find_shape(code); named && named->exception && (named->error_code.empty() || named->error_code == code))
    return named;
  const Shape* found = nullptr;
  for (const auto& [name, shape] : tables().shapes)
    if (shape->exception && shape->error_code == code && (!found || name < found->name)) found = shape.get();
  return found;
}

bool ServiceModel::speaks(std::string_view wire_protocol) const {
  for (const auto& p : protocols)
    if (p == wire_protocol) return true;
  return false;
}

const MemberRef* Shape::find_member(std::string_view member_name) const {
  auto it = member_index.find(std::string(member_name));
  return it == member_index.end() ? nullptr : &members[it->second];
}

void ServiceModel::parse_document(std::string_view compact_json, bool metadata_too) {
  auto doc = json::parse(compact_json);
  if (metadata_too) {
    const auto& meta = doc.at("metadata");
    protocol = string_or(meta, "protocol");
    target_prefix = string_or(meta, "targetPrefix");
    endpoint_prefix = string_or(meta, "endpointPrefix");
    signing_name = string_or(meta, "signingName");
    if (signing_name.empty()) signing_name = endpoint_prefix;
    api_version = string_or(meta, "apiVersion");
    xml_namespace = string_or(meta, "xmlNamespace");
    service_id = string_or(meta, "serviceId");
    json_version = string_or(meta, "jsonVersion");
    protocols.clear();
    if (auto it = meta.find("protocols"); it != meta.end() && it->is_array())
      for (const auto& p : *it) protocols.push_back(p.get<std::string>());
    if (protocols.empty() && !protocol.empty()) protocols.push_back(protocol);
    query_compatible = meta.contains("awsQueryCompatible");
  }
  auto& shapes = tables_.shapes;
  auto shape_named = [&](const std::string& name) -> const Shape* {
    auto it = shapes.find(name);
    return it == shapes.end() ? nullptr : it->second.get();
  };

  // First pass: create every shape so references can be resolved in the second.
  for (const auto& [name, spec] : doc.at("shapes").items()) {
    auto shape = std::make_unique<Shape>();
    shape->name = name;
    shape->type = parse_type(spec.at("type").get<std::string>());
    shapes.emplace(name, std::move(shape));
  }
  auto resolve = [&](const json& ref, const std::string& member_name) {
    MemberRef m;
    m.name = member_name;
    m.shape = shape_named(ref.at("shape").get<std::string>());
    if (!m.shape) throw std::runtime_error("dangling shape reference " + ref.dump());
    m.location_name = string_or(ref, "locationName");
    m.query_name = string_or(ref, "queryName");
    m.flattened = ref.value("flattened", false);
    m.xml_attribute = ref.value("xmlAttribute", false);
    return m;
  };
  for (const auto& [name, spec] : doc.at("shapes").items()) {
    Shape& shape = *shapes.at(name);
    if (auto it = spec.find("members"); it != spec.end()) {
      shape.members.reserve(it->size());
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
    if (spec.contains("input")) op.input = shape_named(spec["input"].get<std::string>());
    if (spec.contains("output")) op.output = shape_named(spec["output"].get<std::string>());
    op.result_wrapper = string_or(spec, "resultWrapper");
    for (const auto& e : spec.at("errors")) op.errors.push_back(shape_named(e.get<std::string>()));
    tables_.operations.emplace(name, std::move(op));
  }
}

std::unique_ptr<ServiceModel> ServiceModel::parse(std::string_view compact_json) {
  auto model = std::make_unique<ServiceModel>();
  model->parse_document(compact_json, /*metadata_too=*/true);
  std::call_once(model->once_, [] {});
  model->loaded_ = true;
  return model;
}

std::unique_ptr<ServiceModel> ServiceModel::from_source(const ModelSource& source) {
  auto model = std::make_unique<ServiceModel>();
  const ModelMetadata& meta = source.metadata;
  model->protocol = meta.protocol;
  model->target_prefix = meta.target_prefix;
  model->endpoint_prefix = meta.endpoint_prefix;
  model->signing_name = meta.signing_name.empty() ? meta.endpoint_prefix : meta.signing_name;
  model->api_version = meta.api_version;
  model->xml_namespace = meta.xml_namespace;
  model->service_id = meta.service_id;
  model->json_version = meta.json_version;
  for (std::string_view rest = meta.protocols; !rest.empty();) {
    auto comma = rest.find(',');
    model->protocols.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (model->protocols.empty() && !model->protocol.empty()) model->protocols.push_back(model->protocol);
  model->query_compatible = meta.query_compatible == "true";
  model->source_ = source.json;
  model->operation_names_ = source.operations;
  model->operation_count_ = source.operation_count;
  return model;
}

const ServiceModel::Tables& ServiceModel::tables() const {
  std::call_once(once_, [this] {
    const_cast<ServiceModel*>(this)->parse_document(source_, /*metadata_too=*/false);
    loaded_ = true;
  });
  return tables_;
}

bool ServiceModel::loaded() const { return loaded_; }

bool ServiceModel::has_operation(std::string_view name) const {
  if (!operation_names_) return find_operation(name) != nullptr;
  return std::binary_search(operation_names_, operation_names_ + operation_count_, name);
}

const ServiceModel& ServiceModel::get(std::string_view service) {
  // Built once per service on first use, from the constant tables; the document itself is
  // parsed when a shape or an operation is first looked up.
  static std::mutex mutex;
  static std::unordered_map<std::string, std::unique_ptr<ServiceModel>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(std::string(service));
  if (it != cache.end()) return *it->second;
  for (const auto& source : model_sources()) {
    if (source.service == service) {
      auto [inserted, _] = cache.emplace(std::string(service), from_source(source));
      return *inserted->second;
    }
  }
  throw std::runtime_error("no embedded AWS model for service " + std::string(service));
}

const std::map<std::string, Operation>& ServiceModel::operations() const { return tables().operations; }

const Operation* ServiceModel::find_operation(std::string_view name) const {
  const auto& ops = tables().operations;
  auto it = ops.find(std::string(name));
  return it == ops.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::find_shape(std::string_view name) const {
  const auto& shapes = tables().shapes;
  auto it = shapes.find(std::string(name));
  return it == shapes.end() ? nullptr : it->second.get();
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
