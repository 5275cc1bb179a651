// TarWriter: the ustar layout Docker's import reads (512-byte headers, octal fields, checksum,
// content padding, two zero blocks at the end), long names, and a round trip through tar(1).
#include "runtime/docker/tar_writer.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace ecslocal::runtime {
namespace {

std::string field(const std::string& archive, std::size_t offset, std::size_t length) {
  std::string out = archive.substr(offset, length);
  auto nul = out.find('\0');
  return nul == std::string::npos ? out : out.substr(0, nul);
}

unsigned long octal(const std::string& text) { return std::strtoul(text.c_str(), nullptr, 8); }

bool all_zero(const std::string& archive, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    if (archive[i] != '\0') return false;
  }
  return true;
}

TEST(TarWriter, OneFileIsAHeaderPaddedContentAndTwoZeroBlocks) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file("/pause", "hello", 0755, 1700000000));
  std::string archive = tar.finish();
  ASSERT_EQ(archive.size(), 512u + 512u + 1024u);
  EXPECT_EQ(field(archive, 0, 100), "pause");  // leading '/' dropped: entries are relative
  EXPECT_EQ(field(archive, 100, 8), "0000755");
  EXPECT_EQ(field(archive, 108, 8), "0000000");  // uid
  EXPECT_EQ(field(archive, 116, 8), "0000000");  // gid
  EXPECT_EQ(field(archive, 124, 12), "00000000005");
  EXPECT_EQ(octal(field(archive, 136, 12)), 1700000000ul);
  EXPECT_EQ(archive[156], '0');  // regular file
  EXPECT_EQ(archive.substr(257, 6), std::string("ustar\0", 6));
  EXPECT_EQ(archive.substr(263, 2), "00");
  EXPECT_EQ(field(archive, 265, 32), "root");
  EXPECT_EQ(archive.substr(512, 5), "hello");
  EXPECT_TRUE(all_zero(archive, 517, 1024));   // content padded to the block
  EXPECT_TRUE(all_zero(archive, 1024, 2048));  // end of archive
}

TEST(TarWriter, ChecksumIsTheByteSumWithTheChecksumFieldAsSpaces) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file("etc/motd", "welcome\n", 0644));
  std::string archive = tar.finish();
  std::string header = archive.substr(0, 512);
  // Stored as six octal digits, a NUL and a space.
  EXPECT_EQ(header[154], '\0');
  EXPECT_EQ(header[155], ' ');
  unsigned expected = 0;
  for (std::size_t i = 0; i < 512; ++i) expected += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  EXPECT_EQ(octal(header.substr(148, 6)), expected);
  EXPECT_EQ(tar_header_checksum(header), expected);
  // Any other byte changes it.
  header[0] = 'X';
  EXPECT_NE(tar_header_checksum(header), expected);
}

TEST(TarWriter, ContentIsPaddedToWholeBlocks) {
  for (std::size_t size : {0u, 1u, 511u, 512u, 513u, 1500u}) {
    TarWriter tar;
    ASSERT_TRUE(tar.add_file("f", std::string(size, 'a')));
    std::string archive = tar.finish();
    std::size_t blocks = (size + 511) / 512;
    EXPECT_EQ(archive.size(), 512 + blocks * 512 + 1024) << size;
    EXPECT_EQ(octal(field(archive, 124, 12)), size);
    EXPECT_TRUE(all_zero(archive, 512 + size, archive.size())) << size;
  }
}

TEST(TarWriter, DirectoriesHaveTypeFiveATrailingSlashAndNoContent) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_directory("/proc"));
  ASSERT_TRUE(tar.add_file("proc/x", "1"));
  std::string archive = tar.finish();
  EXPECT_EQ(field(archive, 0, 100), "proc/");
  EXPECT_EQ(archive[156], '5');
  EXPECT_EQ(octal(field(archive, 124, 12)), 0u);
  EXPECT_EQ(field(archive, 512, 100), "proc/x");  // the next header follows at once
}

TEST(TarWriter, LongNamesUseThePrefixFieldAndImpossibleOnesAreRefused) {
  std::string dir(120, 'd');
  std::string name(90, 'n');
  TarWriter tar;
  ASSERT_TRUE(tar.add_file(dir + "/" + name, "x"));
  std::string archive = tar.finish();
  EXPECT_EQ(field(archive, 0, 100), name);
  EXPECT_EQ(field(archive, 345, 155), dir);

  TarWriter refused;
  EXPECT_FALSE(refused.add_file(std::string(101, 'n'), "x"));  // no '/' to split at
  EXPECT_FALSE(refused.add_file(std::string(200, 'd') + "/x", "x"));  // prefix too long
  EXPECT_FALSE(refused.add_file("", "x"));
  EXPECT_EQ(refused.size(), 0u);
}

TEST(TarWriter, FinishLeavesTheWriterEmpty) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file("a", "1"));
  EXPECT_EQ(tar.finish().size(), 2048u);
  EXPECT_EQ(tar.size(), 0u);
  EXPECT_EQ(tar.finish().size(), 1024u);  // an empty archive is just the end marker
}

TEST(TarWriter, TarReadsItBack) {
  if (!std::filesystem::exists("/bin/tar") && !std::filesystem::exists("/usr/bin/tar")) GTEST_SKIP() << "no tar";
  std::string content = "#!/bin/sh\necho hi\n" + std::string(700, 'z');
  TarWriter tar;
  ASSERT_TRUE(tar.add_directory("bin"));
  ASSERT_TRUE(tar.add_file("bin/pause", content, 0755));
  auto dir = std::filesystem::temp_directory_path() / ("ecslocal-tar-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "a.tar", std::ios::binary);
    out << tar.finish();
  }
  std::string command = "tar -C " + dir.string() + " -xf " + (dir / "a.tar").string() + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(dir / "bin/pause", std::ios::binary);
  std::stringstream read;
  read << in.rdbuf();
  EXPECT_EQ(read.str(), content);
  auto perms = std::filesystem::status(dir / "bin/pause").permissions();
  EXPECT_NE(perms & std::filesystem::perms::owner_exec, std::filesystem::perms::none);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ecslocal::runtime
