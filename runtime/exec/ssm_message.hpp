#pragma once
// The binary messages of the SSM data channel (Session Manager's protocol, which ECS Exec uses):
// every websocket frame after the opening text frame carries one ClientMessage, big-endian, a
// 116-byte header, a 4-byte payload length and the payload:
//
//   0 HeaderLength (u32, 116) · 4 MessageType (32 ASCII bytes, space-padded) · 36 SchemaVersion (u32)
//   40 CreatedDate (u64, epoch ms) · 48 SequenceNumber (i64) · 56 Flags (u64: 1 SYN, 2 FIN)
//   64 MessageId (UUID, bytes 8..15 first, then 0..7) · 80 PayloadDigest (SHA-256 of the payload)
//   112 PayloadType (u32) · 116 PayloadLength (u32) · 120 Payload
//
// Shared by the server's data channel and ecslocal's session-manager-plugin. std + OpenSSL only.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecslocal::runtime::ssm {

inline constexpr std::string_view input_stream_data = "input_stream_data";
inline constexpr std::string_view output_stream_data = "output_stream_data";
inline constexpr std::string_view acknowledge = "acknowledge";
inline constexpr std::string_view channel_closed = "channel_closed";
inline constexpr std::string_view start_publication = "start_publication";
inline constexpr std::string_view pause_publication = "pause_publication";

enum class PayloadType : std::uint32_t {
  none = 0,
  output = 1,  // stdout of the command; keystrokes from the client
  error = 2,
  size = 3,  // {"cols":N,"rows":M}
  parameter = 4,
  handshake_request = 5,
  handshake_response = 6,
  handshake_complete = 7,
  enc_challenge_request = 8,
  enc_challenge_response = 9,
  flag = 10,  // u32: 1 DisconnectToPort, 2 TerminateSession, 3 ConnectToPortError
  std_err = 11,
  exit_code = 12,
};

inline constexpr std::uint64_t flag_syn = 1, flag_fin = 2;
inline constexpr std::uint32_t header_length = 116;
inline constexpr std::size_t max_message_type = 32;

using Uuid = std::array<std::uint8_t, 16>;  // canonical byte order (as printed)

struct ClientMessage {
  std::string message_type;
  std::uint32_t schema_version = 1;
  std::uint64_t created_date = 0;  // epoch milliseconds
  std::int64_t sequence_number = 0;
  std::uint64_t flags = 0;
  Uuid message_id{};
  std::uint32_t payload_type = 0;
  std::string payload;
  // Set by decode: the digest in the frame matched the payload (receivers in ecslocal do not
  // reject on a mismatch: some clients send wrong digests).
  bool digest_ok = true;

  PayloadType type() const { return static_cast<PayloadType>(payload_type); }
};

// The frame, with the SHA-256 digest of the payload computed.
std::string encode(const ClientMessage& message);
// A frame, or nullopt with `error` saying what is wrong (too short, header length 0 or beyond
// the frame, no message type, created date 0). The message type is trimmed of NUL and space
// padding on either side; the payload is everything after HeaderLength + 4.
std::optional<ClientMessage> decode(std::string_view frame, std::string* error = nullptr);

// Builds a message of `type` with a fresh id and the current time.
ClientMessage make_message(std::string_view type, std::int64_t sequence, std::uint64_t flags, PayloadType payload_type,
                           std::string payload);
// The acknowledgement of `message`: type acknowledge, sequence 0, flags 3, payload type 0, and the
// JSON payload naming the acknowledged type, id and sequence number.
ClientMessage make_acknowledge(const ClientMessage& message);

Uuid random_uuid();
std::string uuid_string(const Uuid& id);  // 8-4-4-4-12 lowercase hex
std::optional<Uuid> parse_uuid(std::string_view text);
std::string sha256(std::string_view data);  // 32 raw bytes
std::uint64_t now_ms();

}  // namespace ecslocal::runtime::ssm
