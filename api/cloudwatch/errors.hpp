#pragma once
// CloudWatch's errors: a type per error shape of the model (generated).
#include "api_errors/cloudwatch_errors.hpp"
