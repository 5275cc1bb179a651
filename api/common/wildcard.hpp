#pragma once
// AWS's wildcard match, as EC2 filters and ELBv2 rule conditions use it: `*` any run of
// characters (also none), `?` exactly one; every other character stands for itself.
#include <string_view>

namespace ecslocal::api {

// Case-sensitive unless `nocase` (ASCII letters only). Linear in practice: it backtracks only
// to the last `*` seen.
bool wildcard_match(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace ecslocal::api
