#include "runtime/exec/ssm_message.hpp"

#include <openssl/sha.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

namespace ecslocal::runtime::ssm {
namespace {

constexpr std::size_t type_at = 4, schema_at = 36, created_at = 40, sequence_at = 48, flags_at = 56, id_at = 64,
                      digest_at = 80, payload_type_at = 112, length_at = 116, payload_at = 120;

void put(std::string& out, std::size_t at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[at + i] = static_cast<char>((value >> (8 * (bytes - 1 - i))) & 0xff);
}

std::uint64_t get(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<std::uint8_t>(in[at + i]);
  return value;
}

bool padding(char c) { return c == '\0' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string encode(const ClientMessage& message) {
  std::string out(payload_at + message.payload.size(), '\0');
  put(out, 0, header_length, 4);
  std::string type = message.message_type.substr(0, max_message_type);
  type.resize(max_message_type, ' ');
  out.replace(type_at, max_message_type, type);
  put(out, schema_at, message.schema_version, 4);
  put(out, created_at, message.created_date, 8);
  put(out, sequence_at, static_cast<std::uint64_t>(message.sequence_number), 8);
  put(out, flags_at, message.flags, 8);
  // The id's two 64-bit halves go swapped: bytes 8..15, then 0..7.
  for (int i = 0; i < 8; ++i) {
    out[id_at + i] = static_cast<char>(message.message_id[8 + i]);
    out[id_at + 8 + i] = static_cast<char>(message.message_id[i]);
  }
  out.replace(digest_at, 32, sha256(message.payload));
  put(out, payload_type_at, message.payload_type, 4);
  put(out, length_at, message.payload.size(), 4);
  out.replace(payload_at, message.payload.size(), message.payload);
  return out;
}

std::optional<ClientMessage> decode(std::string_view frame, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<ClientMessage> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (frame.size() < payload_at) return fail("message shorter than its 120-byte header");
  auto length = get(frame, 0, 4);
  if (length == 0) return fail("header length is 0");
  if (length < payload_at - 4 || length + 4 > frame.size()) return fail("header length beyond the message");
  ClientMessage message;
  std::string_view type = frame.substr(type_at, max_message_type);
  while (!type.empty() && padding(type.front())) type.remove_prefix(1);
  while (!type.empty() && padding(type.back())) type.remove_suffix(1);
  if (type.empty()) return fail("no message type");
  message.message_type = std::string(type);
  message.schema_version = static_cast<std::uint32_t>(get(frame, schema_at, 4));
  message.created_date = get(frame, created_at, 8);
  if (message.created_date == 0) return fail("created date is 0");
  message.sequence_number = static_cast<std::int64_t>(get(frame, sequence_at, 8));
  message.flags = get(frame, flags_at, 8);
  for (int i = 0; i < 8; ++i) {
    message.message_id[8 + i] = static_cast<std::uint8_t>(frame[id_at + i]);
    message.message_id[i] = static_cast<std::uint8_t>(frame[id_at + 8 + i]);
  }
  message.payload_type = static_cast<std::uint32_t>(get(frame, payload_type_at, 4));
  message.payload = std::string(frame.substr(length + 4));
  message.digest_ok = frame.substr(digest_at, 32) == sha256(message.payload);
  return message;
}

ClientMessage make_message(std::string_view type, std::int64_t sequence, std::uint64_t flags, PayloadType payload_type,
                           std::string payload) {
  ClientMessage m;
  m.message_type = std::string(type);
  m.created_date = now_ms();
  m.sequence_number = sequence;
  m.flags = flags;
  m.message_id = random_uuid();
  m.payload_type = static_cast<std::uint32_t>(payload_type);
  m.payload = std::move(payload);
  return m;
}

ClientMessage make_acknowledge(const ClientMessage& message) {
  nlohmann::json body = {{"AcknowledgedMessageType", message.message_type},
                         {"AcknowledgedMessageId", uuid_string(message.message_id)},
                         {"AcknowledgedMessageSequenceNumber", message.sequence_number},
                         {"IsSequentialMessage", true}};
  return make_message(acknowledge, 0, flag_syn | flag_fin, PayloadType::none, body.dump());
}

Uuid random_uuid() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  Uuid id;
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = generator();
    for (int i = 0; i < 8; ++i) id[half * 8 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
  }
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return id;
}

std::string uuid_string(const Uuid& id) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[id[i] >> 4];
    out += hex[id[i] & 0xf];
  }
  return out;
}

std::optional<Uuid> parse_uuid(std::string_view text) {
  Uuid id{};
  int nibbles = 0;
  for (char c : text) {
    if (c == '-') continue;
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0 || nibbles >= 32) return std::nullopt;
    id[nibbles / 2] = static_cast<std::uint8_t>(nibbles % 2 == 0 ? v << 4 : id[nibbles / 2] | v);
    ++nibbles;
  }
  if (nibbles != 32) return std::nullopt;
  return id;
}

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace ecslocal::runtime::ssm
