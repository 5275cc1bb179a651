#pragma once
// ISO 8601 timestamps, the query protocols' wire form ("2026-11-22T16:00:00Z").
#include <optional>
#include <string>
#include <string_view>

namespace ecslocal::api::protocol {

// Epoch seconds (fraction kept to milliseconds when `millis`) → "YYYY-MM-DDTHH:MM:SS[.mmm]Z".
std::string iso8601(double epoch_seconds, bool millis = false);

// "YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]" or plain epoch seconds → epoch seconds.
std::optional<double> parse_timestamp(std::string_view text);

}  // namespace ecslocal::api::protocol
