#pragma once
// Writes a POSIX ustar archive in memory: enough to hand Docker a tiny root filesystem
// (`docker import`). Each entry is a 512-byte header (octal fields, a checksum over the header
// with its checksum field read as spaces) followed by the content padded to 512 bytes; the
// archive ends with two zero blocks. Names longer than 100 bytes are split into ustar's
// prefix/name fields.
#include <cstdint>
#include <string>
#include <string_view>

namespace ecslocal::runtime {

class TarWriter {
 public:
  static constexpr std::size_t block_size = 512;

  // False (and nothing is written) when the path does not fit ustar's fields or is empty.
  bool add_file(std::string_view path, std::string_view content, unsigned mode = 0644, std::int64_t mtime = 0);
  bool add_directory(std::string_view path, unsigned mode = 0755, std::int64_t mtime = 0);

  // Appends the two zero blocks that end the archive and hands it over; the writer is empty again.
  std::string finish();

  std::size_t size() const { return data_.size(); }

 private:
  bool add_entry(std::string_view path, char type, std::string_view content, unsigned mode, std::int64_t mtime);

  std::string data_;
};

// The checksum of a 512-byte ustar header: the sum of its bytes, the checksum field counted as spaces.
unsigned tar_header_checksum(std::string_view header);

}  // namespace ecslocal::runtime
