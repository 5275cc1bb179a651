// The SSM data channel's binary messages and the sequencing/acknowledgement state machine that
// ECS Exec's server and ecslocal's session-manager-plugin share.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/exec/data_channel.hpp"
#include "runtime/exec/ssm_message.hpp"

namespace ecslocal::runtime::ssm {
namespace {

using Clock = DataChannel::Clock;
using namespace std::chrono_literals;

std::uint64_t be(const std::string& frame, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<std::uint8_t>(frame[at + i]);
  return v;
}

TEST(SsmMessage, EncodesTheLayoutByteForByte) {
  ClientMessage m = make_message(output_stream_data, 7, flag_syn, PayloadType::output, "hello");
  m.message_id = *parse_uuid("00112233-4455-6677-8899-aabbccddeeff");
  std::string frame = encode(m);
  ASSERT_EQ(frame.size(), 120u + 5);
  EXPECT_EQ(be(frame, 0, 4), 116u);
  EXPECT_EQ(frame.substr(4, 32), std::string("output_stream_data") + std::string(14, ' '));
  EXPECT_EQ(be(frame, 36, 4), 1u);
  EXPECT_EQ(be(frame, 40, 8), m.created_date);
  EXPECT_EQ(be(frame, 48, 8), 7u);
  EXPECT_EQ(be(frame, 56, 8), 1u);
  // The id's halves are swapped on the wire.
  EXPECT_EQ(be(frame, 64, 8), 0x8899aabbccddeeffull);
  EXPECT_EQ(be(frame, 72, 8), 0x0011223344556677ull);
  EXPECT_EQ(frame.substr(80, 32), sha256("hello"));
  EXPECT_EQ(be(frame, 112, 4), 1u);
  EXPECT_EQ(be(frame, 116, 4), 5u);
  EXPECT_EQ(frame.substr(120), "hello");
}

TEST(SsmMessage, DecodesWhatItEncodes) {
  ClientMessage m = make_message(input_stream_data, 42, 0, PayloadType::size, R"({"cols":80,"rows":24})");
  auto back = decode(encode(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->message_type, "input_stream_data");
  EXPECT_EQ(back->sequence_number, 42);
  EXPECT_EQ(back->message_id, m.message_id);
  EXPECT_EQ(back->type(), PayloadType::size);
  EXPECT_EQ(back->payload, m.payload);
  EXPECT_TRUE(back->digest_ok);
}

TEST(SsmMessage, AcceptsNulPaddingAndWrongDigestsButFlagsThem) {
  // npm ssm-session left-pads the type with NULs and sends a wrong digest.
  std::string frame = encode(make_message(input_stream_data, 1, 1, PayloadType::output, "ls\r"));
  std::string type = std::string(32 - 17, '\0') + "input_stream_data";
  frame.replace(4, 32, type);
  frame.replace(80, 32, std::string(32, 'x'));
  auto m = decode(frame);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_type, "input_stream_data");
  EXPECT_FALSE(m->digest_ok);
  EXPECT_EQ(m->payload, "ls\r");
}

TEST(SsmMessage, RefusesBrokenFrames) {
  std::string error;
  EXPECT_FALSE(decode("short", &error));
  EXPECT_NE(error.find("shorter"), std::string::npos);
  std::string frame = encode(make_message(acknowledge, 0, 3, PayloadType::none, "{}"));
  std::string zero_length = frame;
  zero_length.replace(0, 4, std::string(4, '\0'));
  EXPECT_FALSE(decode(zero_length, &error));
  std::string no_type = frame;
  no_type.replace(4, 32, std::string(32, ' '));
  EXPECT_FALSE(decode(no_type, &error));
  EXPECT_EQ(error, "no message type");
  std::string no_date = frame;
  no_date.replace(40, 8, std::string(8, '\0'));
  EXPECT_FALSE(decode(no_date, &error));
  std::string too_long = frame;
  too_long.replace(0, 4, std::string("\0\0\x10\0", 4));
  EXPECT_FALSE(decode(too_long, &error));
}

TEST(SsmMessage, AcknowledgementNamesTheMessage) {
  ClientMessage m = make_message(input_stream_data, 9, 0, PayloadType::output, "x");
  ClientMessage ack = make_acknowledge(m);
  EXPECT_EQ(ack.message_type, "acknowledge");
  EXPECT_EQ(ack.sequence_number, 0);
  EXPECT_EQ(ack.flags, 3u);
  auto body = nlohmann::json::parse(ack.payload);
  EXPECT_EQ(body["AcknowledgedMessageType"], "input_stream_data");
  EXPECT_EQ(body["AcknowledgedMessageId"], uuid_string(m.message_id));
  EXPECT_EQ(body["AcknowledgedMessageSequenceNumber"], 9);
  EXPECT_EQ(body["IsSequentialMessage"], true);
}

TEST(SsmMessage, UuidsRoundTrip) {
  Uuid id = random_uuid();
  std::string text = uuid_string(id);
  EXPECT_EQ(text.size(), 36u);
  EXPECT_EQ(text[14], '4');
  EXPECT_EQ(parse_uuid(text), id);
  EXPECT_FALSE(parse_uuid("not-a-uuid"));
}

DataChannel server() { return DataChannel({"output_stream_data", "input_stream_data", 3, 4, 2}); }
std::string input(std::int64_t seq, std::string payload = "k") {
  return encode(make_message(input_stream_data, seq, 0, PayloadType::output, std::move(payload)));
}

TEST(DataChannel, DeliversInOrderBuffersAheadAndDropsDuplicates) {
  DataChannel channel = server();
  auto now = Clock::now();
  auto r = channel.receive(input(1, "b"), now);  // ahead: buffered, acknowledged
  EXPECT_TRUE(r.deliver.empty());
  EXPECT_EQ(r.replies.size(), 1u);
  r = channel.receive(input(0, "a"), now);  // fills the gap: both, in order
  ASSERT_EQ(r.deliver.size(), 2u);
  EXPECT_EQ(r.deliver[0].payload, "a");
  EXPECT_EQ(r.deliver[1].payload, "b");
  r = channel.receive(input(0, "a"), now);  // a resend: acknowledged again, not delivered
  EXPECT_TRUE(r.deliver.empty());
  EXPECT_EQ(r.replies.size(), 1u);
  EXPECT_EQ(channel.expected_incoming_sequence(), 2);
}

TEST(DataChannel, BoundsTheOutOfOrderBuffer) {
  DataChannel channel = server();  // max_buffered 4
  auto now = Clock::now();
  for (int seq = 2; seq < 6; ++seq) EXPECT_EQ(channel.receive(input(seq), now).replies.size(), 1u);
  EXPECT_TRUE(channel.receive(input(9), now).replies.empty());  // full: not acknowledged, resent later
}

TEST(DataChannel, BoundsTheOutOfOrderBytesToo) {
  DataChannel channel({"output_stream_data", "input_stream_data", 2000, 10000, 300, 100});
  auto now = Clock::now();
  EXPECT_EQ(channel.receive(input(5, std::string(80, 'x')), now).replies.size(), 1u);
  EXPECT_TRUE(channel.receive(input(6, std::string(80, 'y')), now).replies.empty());  // 160 > 100 bytes
  for (int seq = 0; seq < 5; ++seq) channel.receive(input(seq), now);  // delivers 0..5, frees the buffer
  EXPECT_EQ(channel.receive(input(6, std::string(80, 'y')), now).deliver.size(), 1u);
}

TEST(DataChannel, WindowRetransmissionAndGivingUp) {
  DataChannel channel = server();  // window 3, max_resends 2
  channel.syn_first = true;
  auto t0 = Clock::now();
  auto first = decode(channel.send(PayloadType::output, "1", t0));
  EXPECT_EQ(first->flags, flag_syn);
  channel.send(PayloadType::output, "2", t0);
  channel.send(PayloadType::output, "3", t0);
  EXPECT_FALSE(channel.can_send());
  EXPECT_TRUE(channel.due(t0 + 100ms).empty());  // younger than the 200 ms RTO
  auto resent = channel.due(t0 + 250ms);
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(decode(resent[0])->sequence_number, 0);
  // An acknowledgement (the JSON payload names the sequence) frees the window.
  auto r = channel.receive(encode(make_acknowledge(*decode(channel.unacknowledged_frames(t0 + 260ms)[0]))), t0 + 300ms);
  EXPECT_TRUE(r.acknowledged);
  EXPECT_TRUE(channel.can_send());
  EXPECT_EQ(channel.unacknowledged(), 2u);
  // Nobody acknowledges: resent max_resends times, then failed.
  auto t = t0 + 1s;
  for (int i = 0; i < 5; ++i) channel.due(t += 2s);
  EXPECT_TRUE(channel.failed());
}

TEST(DataChannel, RoundTripSetsTheTimeout) {
  DataChannel channel = server();
  auto t0 = Clock::now();
  auto frame = channel.send(PayloadType::output, "x", t0);
  channel.receive(encode(make_acknowledge(*decode(frame))), t0 + 40ms);
  // RTT 40, RTTVAR 20: 40 + max(10, 80) = 120 ms.
  EXPECT_EQ(channel.retransmission_timeout(), 120ms);
}

TEST(DataChannel, AcceptsAcknowledgementsThatCarryTheSequenceInTheHeader) {
  DataChannel channel = server();
  auto t0 = Clock::now();
  channel.send(PayloadType::output, "x", t0);
  channel.send(PayloadType::output, "y", t0);
  // ssm-session: seq = the acknowledged one, payload type 3, no JSON sequence.
  auto ack = make_message(acknowledge, 1, 0, PayloadType::size, "{}");
  EXPECT_TRUE(channel.receive(encode(ack), t0).acknowledged);
  EXPECT_EQ(channel.unacknowledged(), 1u);
}

TEST(DataChannel, ReportsChannelClosedAndOtherTypes) {
  DataChannel channel({"input_stream_data", "output_stream_data"});
  auto now = Clock::now();
  auto r = channel.receive(encode(make_message(channel_closed, 0, 0, PayloadType::none, R"({"Output":""})")), now);
  EXPECT_TRUE(r.closed);
  r = channel.receive(encode(make_message(pause_publication, 0, 0, PayloadType::none, "")), now);
  ASSERT_EQ(r.other.size(), 1u);
  EXPECT_FALSE(channel.receive("garbage", now).error.empty());
}

}  // namespace
}  // namespace ecslocal::runtime::ssm
