# Shared helpers for the .ci/ scripts. Sourced, never run.
# After sourcing: the working directory is the repository root, and BUILD_DIR is set.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# The build directory (absolute): ./build unless ECSLOCAL_BUILD_DIR says otherwise.
BUILD_DIR="${ECSLOCAL_BUILD_DIR:-build}"
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$REPO_ROOT/$BUILD_DIR"

export DEBIAN_FRONTEND=noninteractive

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf '==> WARNING: %s\n' "$*" >&2; }
die() {
  printf '==> ERROR: %s\n' "$*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@" || die "'$*' needs root: run this script as root (or with sudo)"
  else
    die "'$*' needs root: run this script as root"
  fi
}

docker_tests_off() { [[ "${ECSLOCAL_SKIP_DOCKER_TESTS:-}" == "1" ]]; }

# Debian's docker CLI, even when another one comes first on PATH.
docker_bin() {
  if [[ -x /usr/bin/docker ]]; then echo /usr/bin/docker; else echo docker; fi
}
