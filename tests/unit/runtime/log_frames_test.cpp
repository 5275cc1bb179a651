#include "runtime/logs/log_frames.hpp"

#include <gtest/gtest.h>

#include "runtime/docker/docker_time.hpp"

namespace ecslocal::runtime {
namespace {

std::string frame(unsigned char stream, const std::string& payload) {
  std::string header(8, '\0');
  header[0] = static_cast<char>(stream);
  auto size = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) header[4 + i] = static_cast<char>((size >> (8 * (3 - i))) & 0xFF);
  return header + payload;
}

struct Seen {
  LogStream stream;
  std::string text;
  std::int64_t time_nano;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> decode(const std::vector<std::string_view>& chunks, bool timestamps = true) {
  LogStreamDecoder decoder(timestamps);
  std::vector<Seen> out;
  auto collect = [&](const LogLine& line) { out.push_back({line.stream, line.text, line.time_nano}); };
  for (auto chunk : chunks) EXPECT_TRUE(decoder.feed(chunk, collect));
  decoder.finish(collect);
  return out;
}

const std::int64_t t1 = *parse_docker_time("2026-11-22T13:45:35.827169248Z");
const std::int64_t t2 = *parse_docker_time("2026-11-22T13:45:35.827217099Z");
const std::int64_t t3 = *parse_docker_time("2026-11-22T13:45:36Z");
const std::int64_t t4 = *parse_docker_time("2026-11-22T13:45:36.5Z");

// What Docker 20.10 sent for `echo out; echo err >&2` (recorded), then a long line it split in
// two messages, a 300-byte line (a frame size above 255) and an empty line.
const std::string body = frame(1, "2026-11-22T13:45:35.827169248Z out\n") +
                         frame(2, "2026-11-22T13:45:35.827217099Z err\n") +
                         frame(1, "2026-11-22T13:45:36Z first half ") +
                         frame(2, "2026-11-22T13:45:36Z err again\r\n") +
                         frame(1, "2026-11-22T13:45:36.5Z second half\n") +
                         frame(1, "2026-11-22T13:45:36.5Z " + std::string(300, 'x') + "\n") +
                         frame(2, "2026-11-22T13:45:36.5Z \n");

const std::vector<Seen> kExpectedFrames = {
    {LogStream::stdout_stream, "out", t1},
    {LogStream::stderr_stream, "err", t2},
    {LogStream::stderr_stream, "err again", t3},
    {LogStream::stdout_stream, "first half second half", t3},
    {LogStream::stdout_stream, std::string(300, 'x'), t4},
    {LogStream::stderr_stream, "", t4},
};

TEST(LogStreamDecoder, SameLinesWhateverByteTheBodyIsSplitAt) {
  std::string_view all(body);
  for (std::size_t cut = 0; cut <= all.size(); ++cut) {
    ASSERT_EQ(decode({all.substr(0, cut), all.substr(cut)}), kExpectedFrames) << "split at byte " << cut;
  }
}

TEST(LogStreamDecoder, ByteByByteAndInThreePieces) {
  std::string_view all(body);
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < all.size(); ++i) bytes.push_back(all.substr(i, 1));
  EXPECT_EQ(decode(bytes), kExpectedFrames);
  for (std::size_t a = 0; a <= all.size(); a += 3) {
    for (std::size_t b = a; b <= all.size(); b += 5) {
      ASSERT_EQ(decode({all.substr(0, a), all.substr(a, b - a), all.substr(b)}), kExpectedFrames) << a << "," << b;
    }
  }
}

TEST(LogStreamDecoder, TtyOutputIsOneRawStream) {
  std::string raw = "2026-11-22T13:45:35.827169248Z hello\r\n2026-11-22T13:45:36Z world\r\n2026-11-22T13:45:36.5Z tail";
  std::vector<Seen> tty = {{LogStream::stdout_stream, "hello", t1},
                           {LogStream::stdout_stream, "world", t3},
                           {LogStream::stdout_stream, "tail", t4}};
  std::string_view all(raw);
  for (std::size_t cut = 0; cut <= all.size(); ++cut) {
    ASSERT_EQ(decode({all.substr(0, cut), all.substr(cut)}), tty) << "split at byte " << cut;
  }
}

TEST(LogStreamDecoder, WithoutTimestamps) {
  auto lines = decode({frame(1, "a\nb\n"), frame(2, "c")}, false);
  std::vector<Seen> want = {{LogStream::stdout_stream, "a", 0}, {LogStream::stdout_stream, "b", 0},
                            {LogStream::stderr_stream, "c", 0}};
  EXPECT_EQ(lines, want);
}

TEST(LogStreamDecoder, RefusesAnAbsurdFrame) {
  LogStreamDecoder decoder(true, LogStreamDecoder::Framing::detect, 1024);
  std::string header{1, 0, 0, 0, 0x7f, 0, 0, 0};
  EXPECT_FALSE(decoder.feed(header, [](const LogLine&) {}));
}

TEST(LogStreamDecoder, SplitsTimestampFromText) {
  auto [time, text] = split_log_timestamp("2026-11-22T13:45:36Z hello world");
  EXPECT_EQ(time, t3);
  EXPECT_EQ(text, "hello world");
  auto [none, whole] = split_log_timestamp("no timestamp here");
  EXPECT_EQ(none, 0);
  EXPECT_EQ(whole, "no timestamp here");
}

}  // namespace
}  // namespace ecslocal::runtime
