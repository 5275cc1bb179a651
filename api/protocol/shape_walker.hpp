#pragma once
// Walks JSON values along model shapes: checks requests (types, required members, enums,
// length/range constraints) and shapes responses (nulls dropped, unknown members refused).
#include <nlohmann/json.hpp>
#include <string>

#include "api/protocol/model.hpp"

namespace ecslocal::api::protocol {

struct InputRules {
  std::string validation_error_code = "ValidationException";  // ECS: InvalidParameterException
  bool check_enums = true;
  // Query protocols: member names in messages start lower-case, as IAM writes them ("roleName").
  bool camel_case_paths = false;
  // When set (EC2: MissingParameter), a missing required member throws this code with
  // "The request must contain the parameter <name>" instead of the validation error.
  std::string missing_member_code;
};

// Validates `value` in place against `shape`. Explicit nulls of optional members are removed
// (AWS reads them as absent), and so are members the model does not know (tolerated, not kept). Throws AwsError: SerializationException for a wrong JSON type,
// the service's validation error for a missing required member, a bad enum or a constraint.
void check_input(const Shape& shape, nlohmann::json& value, const InputRules& rules);

// Drops nulls and, unless strict, members the model does not know. In strict mode (tests) an
// unknown member or a wrong type throws std::logic_error naming the path: a bug of ours.
void shape_output(const Shape& shape, nlohmann::json& value, bool strict);

}  // namespace ecslocal::api::protocol
