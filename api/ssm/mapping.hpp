#pragma once
// SSM entities → JSON: the only file with the Parameter Store wire names of outputs.
#include "api/service.hpp"
#include "api/ssm/model.hpp"

namespace ecslocal::api::ssm {

// GetParameter(s) / GetParametersByPath: `name` is what the request asked for (name or ARN).
Json parameter_json(const RequestContext& ctx, const Parameter& p, const ParameterVersion& v, const std::string& name,
                    const std::string& selector, bool decrypt);
Json metadata_json(const Parameter& p);                                            // DescribeParameters
Json history_json(const Parameter& p, const ParameterVersion& v, bool decrypt);    // GetParameterHistory
Json tag_list_json(const std::map<std::string, std::string>& tags);

}  // namespace ecslocal::api::ssm
