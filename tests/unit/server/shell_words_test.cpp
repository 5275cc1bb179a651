// ECS Exec's command splitting: shell words without a shell.
#include <gtest/gtest.h>

#include "server/exec/shell_words.hpp"

namespace ecslocal::server {
namespace {

using Words = std::vector<std::string>;

TEST(ShellWords, SplitsLikeAShell) {
  EXPECT_EQ(split_shell_words("/bin/sh"), Words{"/bin/sh"});
  EXPECT_EQ(split_shell_words("  ls   -la\t/tmp "), (Words{"ls", "-la", "/tmp"}));
  EXPECT_EQ(split_shell_words("sh -c 'echo $HOME; ls'"), (Words{"sh", "-c", "echo $HOME; ls"}));
  EXPECT_EQ(split_shell_words(R"(echo "a \"b\" \$c \d" e\ f)"), (Words{"echo", R"(a "b" $c \d)", "e f"}));
  EXPECT_EQ(split_shell_words("a''b \"\""), (Words{"ab", ""}));
  EXPECT_EQ(split_shell_words("echo $HOME"), (Words{"echo", "$HOME"}));  // no expansion
  EXPECT_EQ(split_shell_words(""), Words{});
}

TEST(ShellWords, RefusesOpenQuotes) {
  EXPECT_FALSE(split_shell_words("echo 'open"));
  EXPECT_FALSE(split_shell_words("echo \"open"));
  EXPECT_FALSE(split_shell_words("echo trailing\\"));
}

}  // namespace
}  // namespace ecslocal::server
