#pragma once
// Docker's timestamps (RFC 3339 with up to nanoseconds: 2024-05-07T21:09:36.123456789Z) as
// nanoseconds since the Unix epoch.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecslocal::runtime {

// Nothing for text that is not a timestamp, and for Docker's "never" (0001-01-01T00:00:00Z).
std::optional<std::int64_t> parse_docker_time(std::string_view text);

// 2024-05-07T21:09:36.123456789Z (always nine fraction digits, UTC).
std::string format_docker_time(std::int64_t time_nano);

}  // namespace ecslocal::runtime
