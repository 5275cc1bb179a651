#pragma once
// SSM's errors: a type per error shape of the model (generated).
#include "api_errors/ssm_errors.hpp"
