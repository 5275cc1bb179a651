#!/usr/bin/env bash
# Builds the images the tests run, offline: no registry is reachable, so nothing is pulled.
#
#   ecslocal-test/busybox:latest   a root filesystem holding Debian's static busybox
#                                  (package busybox-static) and a symlink for each of its applets
#                                  (sh, httpd, nc, wget, sleep, ...), imported with `docker import`.
#
# Idempotent: the image carries the sha256 of the busybox binary and the recipe version as labels,
# and is rebuilt only when one of them changed (or with --force).
# Usage: docker/make-test-images.sh [--force]        (env: BUSYBOX=/path/to/static/busybox)
set -euo pipefail

IMAGE="ecslocal-test/busybox:latest"
RECIPE_VERSION=1  # bump when the root filesystem below changes
BUSYBOX="${BUSYBOX:-/bin/busybox}"
if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--force]" >&2
    exit 2
    ;;
esac

log() { printf '==> %s\n' "$*" >&2; }
die() {
  printf '==> ERROR: %s\n' "$*" >&2
  exit 1
}

[[ -x "$BUSYBOX" ]] || die "$BUSYBOX not found: install Debian's busybox-static (apt-get install busybox-static)"
if file_type="$(LC_ALL=C readelf -d "$BUSYBOX" 2>/dev/null)" && grep -q NEEDED <<<"$file_type"; then
  die "$BUSYBOX is dynamically linked; the test image needs busybox-static's binary"
fi
"$DOCKER" info >/dev/null 2>&1 || die "no Docker daemon answers (run .ci/setup, or start dockerd)"

busybox_sha="$(sha256sum "$BUSYBOX" | cut -d' ' -f1)"

label_of() { "$DOCKER" image inspect --format "{{ index .Config.Labels \"$1\" }}" "$IMAGE" 2>/dev/null || true; }

if [[ $force -eq 0 ]] && [[ "$(label_of ecslocal.busybox-sha256)" == "$busybox_sha" ]] &&
  [[ "$(label_of ecslocal.test-image-recipe)" == "$RECIPE_VERSION" ]]; then
  log "$IMAGE is up to date (busybox sha256 ${busybox_sha:0:12}, recipe $RECIPE_VERSION)"
  exit 0
fi

old_id="$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
rootfs="$(mktemp -d /tmp/ecslocal-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

log "building $IMAGE from $BUSYBOX"
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,tmp,var/www,var/tmp,proc,sys,dev}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 0700 "$rootfs/root"
install -m 0755 "$BUSYBOX" "$rootfs/bin/busybox"

# One symlink per applet, where busybox itself says the applet lives (bin/sh, usr/bin/wget, ...).
while IFS= read -r applet; do
  [[ -n "$applet" && "$applet" != "bin/busybox" ]] || continue
  mkdir -p "$rootfs/$(dirname "$applet")"
  ln -sf /bin/busybox "$rootfs/$applet"
done < <("$BUSYBOX" --list-full)
[[ -L "$rootfs/bin/sh" ]] || die "busybox --list-full gave no bin/sh"

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'ecslocal test image: Debian busybox-static' >"$rootfs/var/www/index.html"

applets="$(find "$rootfs" -type l | wc -l)"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -c . |
  "$DOCKER" import \
    --change 'LABEL ecslocal.test-image=true' \
    --change "LABEL ecslocal.busybox-sha256=$busybox_sha" \
    --change "LABEL ecslocal.test-image-recipe=$RECIPE_VERSION" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' \
    --message "ecslocal test image (busybox-static, $applets applets)" \
    - "$IMAGE" >/dev/null

new_id="$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE")"
# The replaced image is now untagged; remove it unless a container still uses it.
if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
  "$DOCKER" image rm "$old_id" >/dev/null 2>&1 || true
fi

# Smoke check: the shell and a few applets the tests use run in the image.
# shellcheck disable=SC2016 # $a expands inside the container's shell
"$DOCKER" run --rm --network none --label ecslocal.test-image-check=true "$IMAGE" \
  sh -c 'for a in sh httpd nc wget sleep cat echo env hostname ip id; do command -v $a >/dev/null || exit 1; done' ||
  die "$IMAGE does not run its applets"
log "built $IMAGE (${new_id:7:12}, $applets applets, busybox sha256 ${busybox_sha:0:12})"
