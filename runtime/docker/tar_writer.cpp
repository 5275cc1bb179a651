#include "runtime/docker/tar_writer.hpp"

#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

namespace ecslocal::runtime {
namespace {

// Header field offsets and sizes (POSIX.1-1988 ustar).
constexpr std::size_t name_at = 0, name_len = 100;
constexpr std::size_t mode_at = 100, uid_at = 108, gid_at = 116, id_len = 8;
constexpr std::size_t size_at = 124, mtime_at = 136, number_len = 12;
constexpr std::size_t checksum_at = 148, checksum_len = 8;
constexpr std::size_t type_at = 156;
constexpr std::size_t magic_at = 257, version_at = 263;
constexpr std::size_t uname_at = 265, gname_at = 297;
constexpr std::size_t prefix_at = 345, prefix_len = 155;

// Writes `value` as zero-padded octal digits, NUL-terminated, filling the field.
void put_octal(char* field, std::size_t len, std::uint64_t value) {
  field[len - 1] = '\0';
  for (std::size_t i = len - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
}

void put_text(char* field, std::size_t len, std::string_view text) {
  std::memcpy(field, text.data(), std::min(len, text.size()));
}

// Splits a path into (prefix, name) fields, or nothing when it cannot be stored.
std::optional<std::pair<std::string_view, std::string_view>> split_path(std::string_view path) {
  if (path.empty()) return std::nullopt;
  if (path.size() <= name_len) return std::make_pair(std::string_view{}, path);
  // The split must happen at a '/', with at most 155 bytes before it and 100 after.
  for (std::size_t slash = path.rfind('/'); slash != std::string_view::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    if (slash <= prefix_len && path.size() - slash - 1 <= name_len && path.size() - slash - 1 > 0) {
      return std::make_pair(path.substr(0, slash), path.substr(slash + 1));
    }
    if (slash == 0) break;
  }
  return std::nullopt;
}

std::string trimmed(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return std::string(path);
}

}  // namespace

unsigned tar_header_checksum(std::string_view header) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < header.size() && i < TarWriter::block_size; ++i) {
    bool in_checksum = i >= checksum_at && i < checksum_at + checksum_len;
    sum += in_checksum ? static_cast<unsigned>(' ') : static_cast<unsigned char>(header[i]);
  }
  return sum;
}

bool TarWriter::add_file(std::string_view path, std::string_view content, unsigned mode, std::int64_t mtime) {
  return add_entry(path, '0', content, mode, mtime);
}

bool TarWriter::add_directory(std::string_view path, unsigned mode, std::int64_t mtime) {
  std::string dir = trimmed(path);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return add_entry(dir, '5', {}, mode, mtime);
}

bool TarWriter::add_entry(std::string_view raw_path, char type, std::string_view content, unsigned mode,
                          std::int64_t mtime) {
  std::string path = trimmed(raw_path);
  auto fields = split_path(path);
  if (!fields) return false;
  char header[block_size] = {};
  put_text(header + name_at, name_len, fields->second);
  put_text(header + prefix_at, prefix_len, fields->first);
  put_octal(header + mode_at, id_len, mode & 07777);
  put_octal(header + uid_at, id_len, 0);
  put_octal(header + gid_at, id_len, 0);
  put_octal(header + size_at, number_len, content.size());
  put_octal(header + mtime_at, number_len, mtime < 0 ? 0 : static_cast<std::uint64_t>(mtime));
  header[type_at] = type;
  std::memcpy(header + magic_at, "ustar", 6);  // "ustar\0"
  std::memcpy(header + version_at, "00", 2);
  put_text(header + uname_at, 32, "root");
  put_text(header + gname_at, 32, "root");
  // Six octal digits, NUL, space: the form every tar reads.
  std::snprintf(header + checksum_at, checksum_len, "%06o", tar_header_checksum({header, block_size}));
  header[checksum_at + 7] = ' ';

  data_.append(header, block_size);
  data_.append(content);
  data_.append((block_size - content.size() % block_size) % block_size, '\0');
  return true;
}

std::string TarWriter::finish() {
  data_.append(2 * block_size, '\0');
  return std::exchange(data_, {});
}

}  // namespace ecslocal::runtime
