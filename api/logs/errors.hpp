#pragma once
// CloudWatch Logs' errors: a type per error shape of the model (generated).
#include "api_errors/logs_errors.hpp"
