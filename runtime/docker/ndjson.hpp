#pragma once
// Splits a byte stream that arrives in arbitrary chunks into complete lines of newline-delimited
// JSON (Docker's /events, image pull progress). Blank lines are skipped, a '\r' before '\n' is
// dropped. Lines are handed over as they complete; the parser is the caller's.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ecslocal::runtime {

class NdjsonSplitter {
 public:
  using LineHandler = std::function<void(std::string_view line)>;

  explicit NdjsonSplitter(std::size_t max_line_bytes = 16 * 1024 * 1024) : max_line_(max_line_bytes) {}

  // Feeds one chunk; calls on_line for each line it completes. Returns false (and drops the
  // partial line) when a line grows past the limit: a broken stream, the caller should abort.
  bool feed(std::string_view chunk, const LineHandler& on_line);

  // At the end of the stream: hands over a last line that had no newline.
  void finish(const LineHandler& on_line);

  std::size_t pending_bytes() const { return partial_.size(); }

 private:
  void emit(std::string_view line, const LineHandler& on_line) const;

  std::string partial_;
  std::size_t max_line_;
};

}  // namespace ecslocal::runtime
