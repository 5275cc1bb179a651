#pragma once
// Amazon ECS's errors: a type per error shape of the model (generated), plus the ones ECS answers
// that the model does not list. Handlers throw these, never a bare AwsError code.
#include "api_errors/ecs_errors.hpp"
