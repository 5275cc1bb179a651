#include "api/protocol/compression.hpp"

#include <zlib.h>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::protocol {
namespace {

[[noreturn]] void refuse(const std::string& why) {
  throw AwsError("SerializationException", "The request body (Content-Encoding: gzip) " + why);
}

std::string trimmed(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t");
  std::string out(text.substr(begin, end - begin + 1));
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

bool is_gzip_encoding(std::string_view content_encoding) {
  bool gzip = false;
  while (!content_encoding.empty()) {
    auto comma = content_encoding.find(',');
    std::string token = trimmed(content_encoding.substr(0, comma));
    if (token == "gzip" || token == "x-gzip") gzip = true;
    else if (!token.empty() && token != "identity") return false;
    content_encoding = comma == std::string_view::npos ? std::string_view() : content_encoding.substr(comma + 1);
  }
  return gzip;
}

std::string gunzip(std::string_view body, std::size_t limit) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) refuse("cannot be inflated here");  // 16: gzip wrapper only
  std::string out;
  char chunk[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  int status = Z_OK;
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    out.append(chunk, sizeof chunk - stream.avail_out);
    if (out.size() > limit) {
      inflateEnd(&stream);
      refuse("inflates past " + std::to_string(limit >> 20) + " MiB");
    }
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // another gzip member follows (RFC 1952 allows several)
      continue;
    }
    if (stream.avail_in == 0 && stream.avail_out != 0) {  // all read, the stream did not end
      status = Z_BUF_ERROR;
      break;
    }
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) refuse(status == Z_BUF_ERROR ? "ends before its gzip stream does" : "is not valid gzip");
  return out;
}

}  // namespace ecslocal::api::protocol
