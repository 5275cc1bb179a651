#pragma once
// ECS Exec runs its `command` as the SSM agent does: split into words shell-style (POSIX shlex:
// single quotes literal, double quotes with \" \\ \$ \` escapes, backslash outside quotes), then
// exec'd directly — no shell, so `echo $HOME` prints `$HOME`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecslocal::server {

// The words, or nullopt when a quote is left open or the line ends in a lone backslash.
std::optional<std::vector<std::string>> split_shell_words(std::string_view line);

}  // namespace ecslocal::server
