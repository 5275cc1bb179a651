#pragma once
// Cloud Map's errors: a type per error shape of the model (generated). Their codes carry no
// "Exception" suffix (InvalidInput, NamespaceNotFound, ...), except the tag operations'
// ResourceNotFoundException and TooManyTagsException.
#include "api_errors/servicediscovery_errors.hpp"
