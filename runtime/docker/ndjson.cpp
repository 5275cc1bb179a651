#include "runtime/docker/ndjson.hpp"

namespace ecslocal::runtime {

void NdjsonSplitter::emit(std::string_view line, const LineHandler& on_line) const {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return;
  on_line(line);
}

bool NdjsonSplitter::feed(std::string_view chunk, const LineHandler& on_line) {
  while (!chunk.empty()) {
    auto newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      if (partial_.size() + chunk.size() > max_line_) {
        partial_.clear();
        return false;
      }
      partial_.append(chunk);
      return true;
    }
    if (partial_.empty()) {
      emit(chunk.substr(0, newline), on_line);
    } else {
      partial_.append(chunk.substr(0, newline));
      std::string line;
      line.swap(partial_);
      emit(line, on_line);
    }
    chunk.remove_prefix(newline + 1);
  }
  return true;
}

void NdjsonSplitter::finish(const LineHandler& on_line) {
  if (partial_.empty()) return;
  std::string line;
  line.swap(partial_);
  emit(line, on_line);
}

}  // namespace ecslocal::runtime
