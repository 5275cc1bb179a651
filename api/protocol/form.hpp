#pragma once
// application/x-www-form-urlencoded text (query protocol request bodies and query strings) and
// RFC 3986 percent-encoding (IAM returns policy documents URL-encoded).
#include <map>
#include <string>
#include <string_view>

namespace ecslocal::api::protocol {

// Parameter name → value; std::map keeps names sorted, so "A.member.1" ... are found by prefix.
using FormParams = std::map<std::string, std::string>;

// Adds the pairs of `text` to `out` (a repeated name keeps its last value). False when a
// percent escape is malformed ("%G1", "%4"); `out` may then hold the pairs before it.
bool decode_form(std::string_view text, FormParams& out);

// Percent-encodes every byte except RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string url_encode(std::string_view text);

}  // namespace ecslocal::api::protocol
