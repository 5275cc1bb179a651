// Output JSON (by member name, already shaped by the model) → the XML replies of the query and
// ec2 protocols, and their error documents. Element names: the member's locationName, else its
// name; list items <member> (query) or <item> (ec2) unless the model names them; flattened lists
// repeat the element itself; maps <entry><key/><value/></entry>; timestamps ISO 8601.
#include <cmath>

#include "api/protocol/query_codec.hpp"
#include "api/protocol/timestamp.hpp"
#include "api/protocol/xml_writer.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

class XmlEncoder {
 public:
  XmlEncoder(XmlWriter& w, QueryDialect dialect) : w_(w), dialect_(dialect) {}

  void members(const Shape& shape, const json& value) {
    if (!value.is_object()) return;
    for (const auto& member : shape.members) {
      auto it = value.find(member.name);
      if (it == value.end() || it->is_null() || member.xml_attribute) continue;
      write_member(member, member.location_name.empty() ? member.name : member.location_name, *it);
    }
  }

 private:
  void write_member(const MemberRef& ref, const std::string& name, const json& v) {
    const Shape& shape = *ref.shape;
    const bool flattened = ref.flattened || shape.flattened;
    if (shape.type == ShapeType::List && v.is_array()) {
      if (flattened) {
        const std::string item = shape.member.location_name.empty() ? name : shape.member.location_name;
        for (const auto& e : v) write_value(*shape.member.shape, item, e);
        return;
      }
      const std::string item = !shape.member.location_name.empty() ? shape.member.location_name
                               : dialect_ == QueryDialect::Ec2      ? "item"
                                                                    : "member";
      w_.open(name);
      for (const auto& e : v) write_value(*shape.member.shape, item, e);
      w_.close();
      return;
    }
    if (shape.type == ShapeType::Map && v.is_object()) {
      const std::string key = shape.key.location_name.empty() ? "key" : shape.key.location_name;
      const std::string value = shape.value.location_name.empty() ? "value" : shape.value.location_name;
      if (!flattened) w_.open(name);
      for (const auto& [k, e] : v.items()) {
        w_.open(flattened ? name : "entry");
        w_.element(key, k);
        write_value(*shape.value.shape, value, e);
        w_.close();
      }
      if (!flattened) w_.close();
      return;
    }
    write_value(shape, name, v);
  }

  void write_value(const Shape& shape, const std::string& name, const json& v) {
    if (v.is_null()) return;
    if (shape.type == ShapeType::Structure || shape.type == ShapeType::List || shape.type == ShapeType::Map) {
      if (shape.type == ShapeType::Structure) {
        w_.open(name);
        members(shape, v);
        w_.close();
        return;
      }
      MemberRef ref;  // a list of lists or map inside a list: written like a member of that name
      ref.shape = &shape;
      write_member(ref, name, v);
      return;
    }
    w_.element(name, scalar_text(shape, v));
  }

  std::string scalar_text(const Shape& shape, const json& v) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (shape.type == ShapeType::Timestamp && v.is_number())
      return iso8601(v.get<double>(), dialect_ == QueryDialect::Ec2);
    return v.dump();
  }

  XmlWriter& w_;
  QueryDialect dialect_;
};

}  // namespace

std::string reply_namespace(const ServiceModel& model) {
  std::string ns = model.xml_namespace;
  if (dialect_of(model) == QueryDialect::Ec2 && !ns.empty() && ns.back() != '/') ns += '/';
  return ns;
}

std::string encode_query_response(const ServiceModel& model, const Operation& op, const json& output,
                                  const std::string& request_id) {
  const QueryDialect dialect = dialect_of(model);
  XmlWriter w(/*declaration=*/dialect == QueryDialect::Ec2);
  w.open(op.name + "Response", reply_namespace(model));
  XmlEncoder encoder(w, dialect);
  if (dialect == QueryDialect::Ec2) {
    w.element("requestId", request_id);
    if (op.output) encoder.members(*op.output, output);
    return w.finish();
  }
  if (op.output) {
    const bool wrapped = !op.result_wrapper.empty();
    if (wrapped) w.open(op.result_wrapper);
    encoder.members(*op.output, output);
    if (wrapped) w.close();
  }
  w.open("ResponseMetadata");
  w.element("RequestId", request_id);
  w.close();
  return w.finish();
}

std::string encode_query_error(QueryDialect dialect, const std::string& xml_namespace, const QueryErrorInfo& error,
                               const std::string& request_id) {
  if (dialect == QueryDialect::Ec2) {
    XmlWriter w(/*declaration=*/true);
    w.open("Response");
    w.open("Errors");
    w.open("Error");
    w.element("Code", error.code);
    w.element("Message", error.message);
    w.close();
    w.close();
    w.element("RequestID", request_id);
    return w.finish();
  }
  XmlWriter w;
  w.open("ErrorResponse", xml_namespace);
  w.open("Error");
  w.element("Type", error.sender_fault ? "Sender" : "Receiver");
  w.element("Code", error.code);
  w.element("Message", error.message);
  w.close();
  w.element("RequestId", request_id);
  return w.finish();
}

}  // namespace ecslocal::api::protocol
