#pragma once
// Request bodies clients compress: botocore and the SDKs gzip the bodies of operations the model
// marks `requestcompression` (CloudWatch PutMetricData) once they pass 10 KiB, and say so with
// Content-Encoding: gzip. The body is inflated before any codec reads it.
#include <cstddef>
#include <string>
#include <string_view>

namespace ecslocal::api::protocol {

// The largest body an inflated request may have: more is refused, not allocated.
constexpr std::size_t kMaxInflatedBody = 16u << 20;

// Content-Encoding values ecslocal inflates ("gzip", also listed with "identity"). Others: false.
bool is_gzip_encoding(std::string_view content_encoding);

// The gzip member(s) of `body`, inflated. Throws AwsError (SerializationException) when the body
// is not gzip, is truncated, or inflates past `limit`.
std::string gunzip(std::string_view body, std::size_t limit = kMaxInflatedBody);

}  // namespace ecslocal::api::protocol
