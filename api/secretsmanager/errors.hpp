#pragma once
// Secrets Manager's errors: a type per error shape of the model (generated).
#include "api_errors/secretsmanager_errors.hpp"
