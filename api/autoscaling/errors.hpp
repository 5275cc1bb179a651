#pragma once
// Application Auto Scaling's errors: a type per error shape of the model (generated).
#include "api_errors/autoscaling_errors.hpp"
