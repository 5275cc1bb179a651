#pragma once
// CBOR (RFC 8949) as the Smithy RPC v2 CBOR protocol uses it, between the wire and the
// JSON-by-member-name documents handlers take:
//   decode: any well-formed CBOR data item → JSON (byte strings → base64 text, as the JSON
//           protocols carry blobs; tag 1 epoch times → their number; other tags → their content;
//           undefined → null). Nesting deeper than `max_depth`, truncated or trailing bytes,
//           non-text map keys and reserved encodings are refused (std::invalid_argument).
//   encode: a JSON document along a model shape → CBOR: timestamps as tag 1 with a float,
//           blobs (base64 text) as byte strings, floating shapes as float64, the rest by type.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/protocol/model.hpp"

namespace ecslocal::api::protocol {

constexpr int kMaxCborDepth = 64;

nlohmann::json decode_cbor(std::string_view bytes, int max_depth = kMaxCborDepth);

// `shape` null: encodes by JSON type only (error documents).
std::string encode_cbor(const nlohmann::json& value, const Shape* shape);

}  // namespace ecslocal::api::protocol
