#include "runtime/exec/data_channel.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace ecslocal::runtime::ssm {
namespace {

constexpr double min_variation_ms = 10, max_rto_ms = 1000;

// The acknowledged sequence number: from the JSON payload, else (clients that put it in the
// header, as the npm ssm-session does) the header's.
std::int64_t acknowledged_sequence(const ClientMessage& ack) {
  auto body = nlohmann::json::parse(ack.payload, nullptr, false);
  if (body.is_object()) {
    auto it = body.find("AcknowledgedMessageSequenceNumber");
    if (it != body.end() && it->is_number_integer()) return it->get<std::int64_t>();
  }
  return ack.sequence_number;
}

}  // namespace

DataChannel::DataChannel(DataChannelOptions options) : options_(std::move(options)) {}

std::string DataChannel::send(PayloadType type, std::string payload, Clock::time_point now) {
  std::int64_t sequence = next_out_++;
  std::uint64_t flags = syn_first && sequence == 0 ? flag_syn : 0;
  std::string frame = encode(make_message(options_.outgoing_type, sequence, flags, type, std::move(payload)));
  unacked_[sequence] = Pending{frame, now};
  return frame;
}

DataChannel::Received DataChannel::receive(std::string_view frame, Clock::time_point now) {
  Received out;
  auto message = decode(frame, &out.error);
  if (!message) return out;
  if (message->message_type == acknowledge) {
    std::size_t before = unacked_.size();
    on_acknowledge(*message, now);
    out.acknowledged = unacked_.size() < before;
    return out;
  }
  if (message->message_type == channel_closed) {
    out.closed = std::move(*message);
    return out;
  }
  if (message->message_type != options_.incoming_type) {
    out.other.push_back(std::move(*message));
    return out;
  }
  std::int64_t sequence = message->sequence_number;
  if (sequence > expected_in_) {
    if (!buffered_.contains(sequence)) {
      bool full = buffered_.size() >= options_.max_buffered ||
                  buffered_bytes_ + message->payload.size() > options_.max_buffered_bytes;
      if (full) return out;  // not acknowledged: the peer resends it later
      buffered_bytes_ += message->payload.size();
    }
    out.replies.push_back(encode(make_acknowledge(*message)));
    buffered_.emplace(sequence, std::move(*message));
    return out;
  }
  out.replies.push_back(encode(make_acknowledge(*message)));
  if (sequence < expected_in_) return out;  // a duplicate: acknowledged again, not delivered
  out.deliver.push_back(std::move(*message));
  ++expected_in_;
  for (auto it = buffered_.begin(); it != buffered_.end() && it->first <= expected_in_;) {
    buffered_bytes_ -= it->second.payload.size();
    if (it->first == expected_in_) {
      out.deliver.push_back(std::move(it->second));
      ++expected_in_;
    }
    it = buffered_.erase(it);
  }
  return out;
}

void DataChannel::on_acknowledge(const ClientMessage& ack, Clock::time_point now) {
  auto it = unacked_.find(acknowledged_sequence(ack));
  if (it == unacked_.end()) return;
  if (!it->second.resent) {  // Karn: a resent message's round trip is ambiguous
    double sample = std::chrono::duration<double, std::milli>(now - it->second.sent).count();
    if (!srtt_ms_) {
      srtt_ms_ = sample;
      rttvar_ms_ = sample / 2;
    } else {
      rttvar_ms_ = 0.75 * rttvar_ms_ + 0.25 * std::abs(*srtt_ms_ - sample);
      srtt_ms_ = 0.875 * *srtt_ms_ + 0.125 * sample;
    }
    double rto = std::min(max_rto_ms, *srtt_ms_ + std::max(min_variation_ms, 4 * rttvar_ms_));
    rto_ = std::chrono::milliseconds(static_cast<long>(std::ceil(rto)));
  }
  unacked_.erase(it);
}

std::vector<std::string> DataChannel::unacknowledged_frames(Clock::time_point now) {
  std::vector<std::string> out;
  for (auto& [sequence, pending] : unacked_) {
    pending.sent = now;
    pending.resent = true;
    out.push_back(pending.frame);
  }
  return out;
}

std::vector<std::string> DataChannel::due(Clock::time_point now) {
  std::vector<std::string> out;
  if (unacked_.empty()) return out;
  Pending& oldest = unacked_.begin()->second;
  if (now - oldest.sent < rto_) return out;
  if (oldest.resends >= options_.max_resends) {
    failed_ = true;
    return out;
  }
  oldest.sent = now;
  oldest.resent = true;
  ++oldest.resends;
  out.push_back(oldest.frame);
  return out;
}

}  // namespace ecslocal::runtime::ssm
