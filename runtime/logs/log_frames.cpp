#include "runtime/logs/log_frames.hpp"

#include <algorithm>
#include <tuple>

#include "runtime/docker/docker_time.hpp"

namespace ecslocal::runtime {
namespace {

constexpr std::size_t header_size = 8;

bool looks_multiplexed(std::string_view first4) {
  auto stream = static_cast<unsigned char>(first4[0]);
  return stream <= 3 && first4[1] == '\0' && first4[2] == '\0' && first4[3] == '\0';
}

LogStream stream_of(unsigned char type) { return type >= 2 ? LogStream::stderr_stream : LogStream::stdout_stream; }

std::size_t frame_size(std::string_view header) {
  std::size_t size = 0;
  for (std::size_t i = 4; i < 8; ++i) size = (size << 8) | static_cast<unsigned char>(header[i]);
  return size;
}

}  // namespace

std::pair<std::int64_t, std::string_view> split_log_timestamp(std::string_view line) {
  auto space = line.find(' ');
  std::string_view head = space == std::string_view::npos ? line : line.substr(0, space);
  auto time = parse_docker_time(head);
  if (!time) return {0, line};
  return {*time, space == std::string_view::npos ? std::string_view() : line.substr(space + 1)};
}

bool LogStreamDecoder::feed(std::string_view chunk, const LineHandler& on_line) {
  if (framing_ == Framing::detect) {
    buffer_.append(chunk);
    if (buffer_.size() < 4) return true;
    framing_ = looks_multiplexed(buffer_) ? Framing::multiplexed : Framing::raw;
    std::string first;
    first.swap(buffer_);
    return feed(first, on_line);
  }
  if (framing_ == Framing::raw) {
    feed_raw(chunk, on_line);
    return true;
  }
  return feed_multiplexed(chunk, on_line);
}

bool LogStreamDecoder::feed_multiplexed(std::string_view chunk, const LineHandler& on_line) {
  while (!chunk.empty()) {
    std::size_t wanted = in_payload_ ? payload_size_ : header_size;
    std::size_t take = std::min(wanted - buffer_.size(), chunk.size());
    buffer_.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    if (buffer_.size() < wanted) return true;
    if (!in_payload_) {
      payload_stream_ = stream_of(static_cast<unsigned char>(buffer_[0]));
      payload_size_ = frame_size(buffer_);
      if (payload_size_ > max_frame_) return false;
      buffer_.clear();
      in_payload_ = payload_size_ > 0;
      continue;
    }
    on_message(payload_stream_, buffer_, on_line);
    buffer_.clear();
    in_payload_ = false;
  }
  return true;
}

void LogStreamDecoder::feed_raw(std::string_view chunk, const LineHandler& on_line) {
  while (!chunk.empty()) {
    auto newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      raw_line_.append(chunk);
      return;
    }
    raw_line_.append(chunk.substr(0, newline + 1));
    chunk.remove_prefix(newline + 1);
    std::string line;
    line.swap(raw_line_);
    on_message(LogStream::stdout_stream, line, on_line);
  }
}

void LogStreamDecoder::on_message(LogStream stream, std::string_view message, const LineHandler& on_line) {
  std::int64_t time_nano = 0;
  if (timestamps_) std::tie(time_nano, message) = split_log_timestamp(message);
  append_text(stream, message, time_nano, on_line);
}

void LogStreamDecoder::append_text(LogStream stream, std::string_view text, std::int64_t time_nano,
                                   const LineHandler& on_line) {
  Pending& line = pending(stream);
  while (!text.empty()) {
    if (!line.open) {
      line.open = true;
      line.time_nano = time_nano;
    }
    auto newline = text.find('\n');
    line.text.append(text.substr(0, newline));
    if (newline == std::string_view::npos) return;
    flush(stream, on_line);
    text.remove_prefix(newline + 1);
  }
}

void LogStreamDecoder::flush(LogStream stream, const LineHandler& on_line) {
  Pending& line = pending(stream);
  if (!line.open) return;
  if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
  LogLine out{stream, std::move(line.text), line.time_nano};
  line = Pending{};
  on_line(out);
}

void LogStreamDecoder::finish(const LineHandler& on_line) {
  if (framing_ == Framing::detect && !buffer_.empty()) {
    framing_ = Framing::raw;
    std::string rest;
    rest.swap(buffer_);
    feed_raw(rest, on_line);
  }
  if (!raw_line_.empty()) {
    std::string line;
    line.swap(raw_line_);
    on_message(LogStream::stdout_stream, line, on_line);
  }
  flush(LogStream::stdout_stream, on_line);
  flush(LogStream::stderr_stream, on_line);
}

}  // namespace ecslocal::runtime
