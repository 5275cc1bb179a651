#pragma once
// Decodes the body of GET /containers/{id}/logs into lines.
//
// Without a TTY Docker multiplexes stdout and stderr: each message is a frame of an 8-byte
// header [stream, 0, 0, 0, size as 4 big-endian bytes] and `size` bytes of payload. With a TTY
// the body is the raw terminal output. The decoder tells the two apart from the first bytes.
// With timestamps=true every message starts with an RFC 3339 time and a space; a message that
// does not end in '\n' (Docker splits long lines) is joined with the messages that follow.
// Bytes may arrive split anywhere, frame headers included.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "runtime/docker_types.hpp"

namespace ecslocal::runtime {

class LogStreamDecoder {
 public:
  using LineHandler = std::function<void(const LogLine&)>;
  enum class Framing { detect, multiplexed, raw };

  explicit LogStreamDecoder(bool timestamps, Framing framing = Framing::detect,
                            std::size_t max_frame_bytes = 16 * 1024 * 1024)
      : timestamps_(timestamps), framing_(framing), max_frame_(max_frame_bytes) {}

  // Returns false when the body is not a valid log stream (a frame past the size limit).
  bool feed(std::string_view chunk, const LineHandler& on_line);

  // At the end of the body: hands over lines that had no final newline.
  void finish(const LineHandler& on_line);

  Framing framing() const { return framing_; }

 private:
  struct Pending {
    std::string text;
    std::int64_t time_nano = 0;
    bool open = false;  // a line has started and not ended
  };

  bool feed_multiplexed(std::string_view chunk, const LineHandler& on_line);
  void feed_raw(std::string_view chunk, const LineHandler& on_line);
  void on_message(LogStream stream, std::string_view message, const LineHandler& on_line);
  void append_text(LogStream stream, std::string_view text, std::int64_t time_nano, const LineHandler& on_line);
  void flush(LogStream stream, const LineHandler& on_line);
  Pending& pending(LogStream stream) { return pending_[stream == LogStream::stderr_stream ? 1 : 0]; }

  bool timestamps_;
  Framing framing_;
  std::size_t max_frame_;
  std::string buffer_;  // undecided first bytes, a frame header or payload being collected
  std::size_t payload_size_ = 0;
  LogStream payload_stream_ = LogStream::stdout_stream;
  bool in_payload_ = false;
  std::string raw_line_;
  std::array<Pending, 2> pending_;
};

// Splits "2024-05-07T21:09:36.123456789Z text" into its time and text; time 0 when the line does
// not start with a timestamp (the text is then the whole line).
std::pair<std::int64_t, std::string_view> split_log_timestamp(std::string_view line);

}  // namespace ecslocal::runtime
