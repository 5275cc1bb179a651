#pragma once
// Parameter Store's input rules the model's compact form does not carry (name syntax, hierarchy
// depth, reserved prefixes, label syntax, value sizes per tier). Failures are ValidationException
// or the model's own error where AWS uses one.
#include <string>

namespace ecslocal::api::ssm {

[[noreturn]] void validation_error(const std::string& message);

// A name PutParameter may create: syntax, reserved prefixes, hierarchy levels.
void check_new_name(const std::string& name);
// A path for GetParametersByPath / the Path filter: starts with '/', same characters.
void check_path(const std::string& path);
// Labels LabelParameterVersion accepts (the rest go to InvalidLabels).
bool valid_label(const std::string& label);

}  // namespace ecslocal::api::ssm
