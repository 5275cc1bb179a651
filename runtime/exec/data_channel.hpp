#pragma once
// One end of an SSM data channel, as Session Manager's agent and plugin keep it: outgoing data
// messages are numbered from 0 and kept until acknowledged (the oldest is resent once older than
// the retransmission timeout, which follows the measured round trip: RTT smoothed 1/8, its
// variation 1/4, RTO = RTT + max(10 ms, 4·RTTVAR), 200 ms at first, at most 1 s); incoming data
// messages are delivered in sequence order (later ones buffered, earlier ones dropped) and each is
// acknowledged, duplicates too. No I/O: the caller sends what the calls return and calls due()
// every ~100 ms. The server (server/exec/) and ecslocal's session-manager-plugin both use it.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/exec/ssm_message.hpp"

namespace ecslocal::runtime::ssm {

struct DataChannelOptions {
  std::string outgoing_type;  // output_stream_data (server) or input_stream_data (client)
  std::string incoming_type;  // the other one
  std::size_t window = 2000;  // unacknowledged messages at most before can_send() says no
  std::size_t max_buffered = 10000;  // out-of-order incoming messages kept
  // A message resent this many times without an acknowledgement: the peer is gone (failed()).
  int max_resends = 300;
  std::size_t max_buffered_bytes = 16 << 20;  // out-of-order payload bytes kept at most
};

class DataChannel {
 public:
  using Clock = std::chrono::steady_clock;
  explicit DataChannel(DataChannelOptions options);

  // A data message (payload ≤ 1024 bytes by convention; the caller chunks): the frame to send.
  // The first one carries the SYN flag when `syn_first` is set (the agent's habit; the plugin
  // sends 0).
  std::string send(PayloadType type, std::string payload, Clock::time_point now);
  // Whether the window has room for another data message.
  bool can_send() const { return unacked_.size() < options_.window; }
  // How many more data messages the window takes.
  std::size_t room() const { return can_send() ? options_.window - unacked_.size() : 0; }

  struct Received {
    std::vector<ClientMessage> deliver;   // incoming data, in order
    std::vector<std::string> replies;     // frames to send back (acknowledgements)
    std::optional<ClientMessage> closed;  // a channel_closed message
    std::vector<ClientMessage> other;     // start/pause_publication and anything else
    std::string error;                    // the frame did not decode (nothing else is set)
    bool acknowledged = false;            // an acknowledgement freed room in the window
  };
  Received receive(std::string_view frame, Clock::time_point now);

  // Frames to resend now (the oldest unacknowledged message when it is older than the RTO).
  std::vector<std::string> due(Clock::time_point now);
  // A message went unacknowledged max_resends times.
  bool failed() const { return failed_; }

  std::size_t unacknowledged() const { return unacked_.size(); }
  // Every unacknowledged frame, oldest first (to send again on a new connection of the session).
  std::vector<std::string> unacknowledged_frames(Clock::time_point now);
  std::chrono::milliseconds retransmission_timeout() const { return rto_; }
  std::int64_t next_outgoing_sequence() const { return next_out_; }
  std::int64_t expected_incoming_sequence() const { return expected_in_; }

  bool syn_first = false;

 private:
  struct Pending {
    std::string frame;
    Clock::time_point sent;
    bool resent = false;
    int resends = 0;
  };
  void on_acknowledge(const ClientMessage& ack, Clock::time_point now);

  DataChannelOptions options_;
  std::int64_t next_out_ = 0, expected_in_ = 0;
  std::map<std::int64_t, Pending> unacked_;
  std::map<std::int64_t, ClientMessage> buffered_;
  std::size_t buffered_bytes_ = 0;
  std::optional<double> srtt_ms_;
  double rttvar_ms_ = 0;
  std::chrono::milliseconds rto_{200};
  bool failed_ = false;
};

}  // namespace ecslocal::runtime::ssm
