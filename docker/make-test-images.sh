#!/usr/bin/env bash
# Builds the images the tests run, offline: no registry is reachable, so nothing is pulled (no
# `docker pull`, no FROM of a remote image); both are root filesystems made here and imported
# with `docker import`.
#
#   ecslocal-test/busybox:latest   Debian's static busybox (package busybox-static) and a symlink
#                                  for each of its applets (sh, httpd, nc, wget, sleep, ...).
#   ecslocal-test/python:latest    Debian 12 (debootstrap --variant=minbase from the Debian mirror
#                                  this machine's apt uses) with python3 and the AWS SDK for Python:
#                                  Debian 13 (trixie)'s python3-boto3, -botocore and -s3transfer
#                                  (pure Python, checked against trixie's signed archive index and
#                                  installed with dpkg), because bookworm's botocore 1.29 ignores
#                                  AWS_ENDPOINT_URL and trixie's 1.37 honours it, as current SDKs
#                                  do. Trimmed: no apt lists or caches, docs, man pages,
#                                  translations; botocore's models gzipped (botocore reads
#                                  .json.gz, as its own wheels ship them). CMD ["python3"].
#
# Idempotent: each image carries its recipe version and the hash of what it is made of (the busybox
# binary; the python root filesystem tarball) as labels and is rebuilt only when one changed (or
# with --force). The python root filesystem is cached as a tarball,
# $ECSLOCAL_IMAGE_CACHE/test-images/python-rootfs-r<recipe>.tar.gz (default /var/cache/ecslocal):
# once it is there, (re)making the image is a `docker import` of it, without the network. Building
# it needs root (debootstrap), the packages debootstrap, curl, gpgv, xz-utils, and the mirror.
#
# Usage: docker/make-test-images.sh [--force]
#   env: BUSYBOX=/path/to/static/busybox, ECSLOCAL_DEBIAN_MIRROR=<url> (default: apt's, see
#        debian_mirror), ECSLOCAL_IMAGE_CACHE=<dir>, ECSLOCAL_TEST_IMAGES="busybox python" (which)
set -euo pipefail

BUSYBOX_IMAGE="ecslocal-test/busybox:latest"
BUSYBOX_RECIPE=1  # bump when the busybox root filesystem below changes
BUSYBOX="${BUSYBOX:-/bin/busybox}"

PYTHON_IMAGE="ecslocal-test/python:latest"
PYTHON_RECIPE=1  # bump when the python root filesystem below changes (drops the cached tarball)
PYTHON_SUITE=bookworm
# Packages on top of minbase: python3 and what trixie's boto3/botocore/s3transfer depend on.
PYTHON_INCLUDE=python3,python3-requests,python3-dateutil,python3-jmespath,python3-urllib3,python3-six
SDK_SUITE=trixie
SDK_PACKAGES=(python3-botocore python3-s3transfer python3-boto3)  # in dependency order
IMAGE_CACHE="${ECSLOCAL_IMAGE_CACHE:-/var/cache/ecslocal}/test-images"
WANTED="${ECSLOCAL_TEST_IMAGES:-busybox python}"

if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
CURL=(curl -fsS --retry 2 --connect-timeout 10 --max-time 600)

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

label_of() { "$DOCKER" image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
image_id() { "$DOCKER" image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# The replaced image is now untagged; removes it unless a container still uses it.
drop_replaced() {
  local old_id=$1 new_id=$2
  if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
    "$DOCKER" image rm "$old_id" >/dev/null 2>&1 || true
  fi
}

work=""
cleanup() {
  [[ -n "$work" && -d "$work" ]] || return 0
  # debootstrap mounts /proc and /sys inside its target; never delete through a mount left behind.
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(findmnt -rn -o TARGET | grep -F "$work/" | sort -r)
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------- busybox

build_busybox() {
  [[ -x "$BUSYBOX" ]] || die "$BUSYBOX not found: install Debian's busybox-static (apt-get install busybox-static)"
  local file_type
  if file_type="$(LC_ALL=C readelf -d "$BUSYBOX" 2>/dev/null)" && grep -q NEEDED <<<"$file_type"; then
    die "$BUSYBOX is dynamically linked; the test image needs busybox-static's binary"
  fi
  local busybox_sha
  busybox_sha="$(sha256sum "$BUSYBOX" | cut -d' ' -f1)"
  if [[ $force -eq 0 ]] && [[ "$(label_of "$BUSYBOX_IMAGE" ecslocal.busybox-sha256)" == "$busybox_sha" ]] &&
    [[ "$(label_of "$BUSYBOX_IMAGE" ecslocal.test-image-recipe)" == "$BUSYBOX_RECIPE" ]]; then
    log "$BUSYBOX_IMAGE is up to date (busybox sha256 ${busybox_sha:0:12}, recipe $BUSYBOX_RECIPE)"
    return
  fi

  local old_id rootfs
  old_id="$(image_id "$BUSYBOX_IMAGE")"
  work="$(mktemp -d /tmp/ecslocal-rootfs.XXXXXX)"
  rootfs="$work/rootfs"
  log "building $BUSYBOX_IMAGE from $BUSYBOX"
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,tmp,var/www,var/tmp,proc,sys,dev}
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 0700 "$rootfs/root"
  install -m 0755 "$BUSYBOX" "$rootfs/bin/busybox"

  # One symlink per applet, where busybox itself says the applet lives (bin/sh, usr/bin/wget, ...).
  local applet
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

  local applets new_id
  applets="$(find "$rootfs" -type l | wc -l)"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -c . |
    "$DOCKER" import \
      --change 'LABEL ecslocal.test-image=true' \
      --change "LABEL ecslocal.busybox-sha256=$busybox_sha" \
      --change "LABEL ecslocal.test-image-recipe=$BUSYBOX_RECIPE" \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/sh"]' \
      --message "ecslocal test image (busybox-static, $applets applets)" \
      - "$BUSYBOX_IMAGE" >/dev/null
  cleanup
  work=""

  new_id="$(image_id "$BUSYBOX_IMAGE")"
  drop_replaced "$old_id" "$new_id"

  # Smoke check: the shell and a few applets the tests use run in the image.
  # shellcheck disable=SC2016 # $a expands inside the container's shell
  "$DOCKER" run --rm --network none --label ecslocal.test-image-check=true "$BUSYBOX_IMAGE" \
    sh -c 'for a in sh httpd nc wget sleep cat echo env hostname ip id; do command -v $a >/dev/null || exit 1; done' ||
    die "$BUSYBOX_IMAGE does not run its applets"
  log "built $BUSYBOX_IMAGE (${new_id:7:12}, $applets applets, busybox sha256 ${busybox_sha:0:12})"
}

# ---------------------------------------------------------------------------- python

# The Debian mirror this machine's apt uses: the first URI of a `deb` source for this release's
# codename (deb822 .sources or one-line .list), http://deb.debian.org/debian when none is found.
debian_mirror() {
  if [[ -n "${ECSLOCAL_DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "${ECSLOCAL_DEBIAN_MIRROR%/}"
    return
  fi
  local codename="" f uri=""
  # shellcheck disable=SC1091 # the host's os-release
  codename="$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}")" || true
  [[ -n "$codename" ]] || codename="$PYTHON_SUITE"
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    if [[ "$f" == *.sources ]]; then
      uri="$(awk -v want="$codename" '
        function flush() { if (deb && uris != "" && suite_ok) { split(uris, u, " "); print u[1]; found = 1; exit } }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); deb = 0; uris = ""; suite_ok = 0; next }
        /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
        /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
        /^Suites:/ { n = split($0, s, /[ \t]+/); for (i = 2; i <= n; i++) if (s[i] == want) suite_ok = 1 }
        END { if (!found) flush() }' "$f")"
    else
      uri="$(awk -v want="$codename" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == want) { print $i; exit } }' "$f")"
    fi
    [[ -n "$uri" ]] && break
  done
  if [[ -z "$uri" ]]; then
    log "no apt source for $codename found; using http://deb.debian.org/debian"
    uri=http://deb.debian.org/debian
  fi
  printf '%s\n' "${uri%/}"
}

# Downloads SDK_PACKAGES of SDK_SUITE into DEST, each checked end to end against Debian's
# signature: InRelease (gpgv, Debian's archive keyrings) -> SHA256 of a main Packages.xz index
# -> the package's Filename, Size and SHA256 -> the .deb (as .ci/fetch-model does for the model).
# Prints "name version" per package.
fetch_sdk_debs() {
  local mirror=$1 dest=$2 t="$2/.index" k
  local -a rings=()
  mkdir -p "$t"
  for k in /usr/share/keyrings/debian-archive-keyring.gpg /usr/share/keyrings/debian-archive-$SDK_SUITE-stable.gpg \
    /usr/share/keyrings/debian-archive-$SDK_SUITE-automatic.gpg; do
    [[ -f "$k" ]] && rings+=(--keyring "$k")
  done
  "${CURL[@]}" -o "$t/InRelease" "$mirror/dists/$SDK_SUITE/InRelease" ||
    die "could not download $mirror/dists/$SDK_SUITE/InRelease"
  gpgv --quiet "${rings[@]}" --output "$t/Release" "$t/InRelease" 2>"$t/gpgv.log" ||
    die "the signature of $SDK_SUITE's InRelease does not verify: $(tr '\n' ' ' <"$t/gpgv.log")"
  # The packages are Architecture: all, so both the index of this machine's architecture and
  # binary-all list them; the first that matches the SHA256 of the verified Release is used.
  local index sha size url got=""
  for index in "main/binary-$(dpkg --print-architecture)/Packages.xz" main/binary-all/Packages.xz; do
    read -r sha size < <(awk -v want="$index" '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 }
      s && $3 == want { print $1, $2; exit }' "$t/Release") || continue
    # By hash first (as apt does: a mirror in mid-sync cannot mismatch), then by name.
    for url in "$mirror/dists/$SDK_SUITE/$(dirname "$index")/by-hash/SHA256/$sha" "$mirror/dists/$SDK_SUITE/$index"; do
      rm -f "$t/Packages.xz"
      "${CURL[@]}" -o "$t/Packages.xz" "$url" 2>/dev/null || continue
      if [[ "$(stat -c %s "$t/Packages.xz")" == "$size" ]] && echo "$sha  $t/Packages.xz" | sha256sum --quiet -c - 2>/dev/null; then
        got=$index
        break 2
      fi
    done
  done
  [[ -n "$got" ]] || die "no $SDK_SUITE Packages index matched its hash in the signed Release (mirror in mid-sync?)"
  xz -dc "$t/Packages.xz" >"$t/Packages"
  local pkg version filename psize psha
  for pkg in "${SDK_PACKAGES[@]}"; do
    read -r version filename psize psha < <(awk -v pkg="$pkg" '
      /^Package: / { if (inpkg) exit; inpkg = ($2 == pkg) }
      inpkg && /^Version: / { v = $2 } inpkg && /^Filename: / { f = $2 }
      inpkg && /^Size: / { z = $2 } inpkg && /^SHA256: / { h = $2 }
      END { if (v != "") print v, f, z, h }' "$t/Packages") || die "$SDK_SUITE has no $pkg"
    [[ "$filename" =~ ^pool/[A-Za-z0-9_./+~-]+\.deb$ ]] || die "unexpected Filename $filename for $pkg"
    "${CURL[@]}" -o "$dest/$pkg.deb" "$mirror/$filename" || die "could not download $mirror/$filename"
    if [[ "$(stat -c %s "$dest/$pkg.deb")" != "$psize" ]] || ! echo "$psha  $dest/$pkg.deb" | sha256sum --quiet -c -; then
      die "$filename does not match the SHA256 of $SDK_SUITE's signed index"
    fi
    printf '%s %s\n' "$pkg" "$version"
  done
  rm -rf "$t"
}

# Makes the python root filesystem tarball TARBALL (gzip) from the Debian mirror.
build_python_rootfs() {
  local tarball=$1 mirror rootfs started=$SECONDS tool
  [[ $(id -u) -eq 0 ]] || die "building $PYTHON_IMAGE's root filesystem needs root (debootstrap, chroot): run as root"
  for tool in debootstrap gpgv curl xz chroot; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install debootstrap gpgv curl xz-utils)"
  done
  mirror="$(debian_mirror)"
  mkdir -p "$IMAGE_CACHE"
  work="$(mktemp -d "$IMAGE_CACHE/.build.XXXXXX")"
  rootfs="$work/rootfs"
  mkdir -p "$work/debs"
  log "python image: debootstrap --variant=minbase $PYTHON_SUITE from $mirror (about a minute)"
  # Two stages, so that dpkg runs the second with force-unsafe-io (no fsync per file: nothing is
  # lost if the machine stops, the build is just made again); the setting is removed after.
  if ! debootstrap --foreign --variant=minbase --include="$PYTHON_INCLUDE" "$PYTHON_SUITE" "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    die "debootstrap (first stage) failed (log above)"
  fi
  mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
  echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/ecslocal-unsafe-io"
  if ! chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /debootstrap/debootstrap --second-stage >>"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    die "debootstrap (second stage) failed (log above)"
  fi

  log "python image: debootstrap done ($((SECONDS - started)) s); $SDK_SUITE's ${SDK_PACKAGES[*]} from $mirror"
  local versions
  versions="$(fetch_sdk_debs "$mirror" "$work/debs")"
  mkdir -p "$rootfs/tmp/sdk-debs"
  local pkg status
  local -a debs=()
  for pkg in "${SDK_PACKAGES[@]}"; do
    cp "$work/debs/$pkg.deb" "$rootfs/tmp/sdk-debs/"
    debs+=("/tmp/sdk-debs/$pkg.deb")
  done
  # dpkg installs them (bookworm's python3-boto3 is not in the system), runs their postinst
  # (py3compile) and checks their dependencies against bookworm's packages.
  if ! chroot "$rootfs" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1; then
    tail -n 20 "$work/dpkg.log" >&2
    die "dpkg could not install ${SDK_PACKAGES[*]} into the root filesystem (log above)"
  fi
  for pkg in "${SDK_PACKAGES[@]}"; do
    # shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
    status="$(chroot "$rootfs" dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == installed ]] || die "$pkg is '$status' in the root filesystem after dpkg -i"
  done
  rm -rf "$rootfs/tmp/sdk-debs" "$rootfs/etc/dpkg/dpkg.cfg.d/ecslocal-unsafe-io"

  # Trim what a container never reads.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/lib/dpkg/*-old "$rootfs"/var/log/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
    "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian \
    "$rootfs"/usr/share/bug "$rootfs"/tmp/* "$rootfs"/var/tmp/* "$rootfs"/root/.cache
  # debootstrap copies the host's resolv.conf and hostname; Docker provides both.
  rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  : >"$rootfs/etc/machine-id"
  # botocore reads each model as .json or .json.gz (its own wheels ship them gzipped): 100 MB less.
  find "$rootfs/usr/lib/python3/dist-packages/botocore/data" -mindepth 2 -name '*.json' -exec gzip -6n {} +

  # The SDK must load and honour AWS_ENDPOINT_URL (botocore >= 1.31): checked before caching.
  local probe
  probe="$(chroot "$rootfs" env -i PATH=/usr/bin:/bin AWS_ENDPOINT_URL=http://192.0.2.1:9 AWS_DEFAULT_REGION=us-east-1 \
    python3 -c 'import boto3, botocore; print(botocore.__version__, boto3.client("sts").meta.endpoint_url)')" ||
    die "python3 cannot import boto3 in the root filesystem"
  [[ "$probe" == *" http://192.0.2.1:9" ]] || die "the image's botocore ignores AWS_ENDPOINT_URL: $probe"

  printf '%s\n' "$versions" >"$rootfs/etc/ecslocal-test-image"
  # Files keep their times: a .pyc is valid only while its source has the mtime it recorded.
  tar --sort=name --owner=0 --group=0 --numeric-owner -C "$rootfs" -c . |
    gzip -1n >"$work/rootfs.tar.gz"
  printf '%s\n' "$versions" >"${tarball%.tar.gz}.sdk"
  mv "$work/rootfs.tar.gz" "$tarball"
  log "python image: root filesystem made and cached in $tarball ($(du -h "$tarball" | cut -f1), $((SECONDS - started)) s;" \
    "$(tr '\n' ' ' <<<"$versions")botocore probe: $probe)"
  cleanup
  work=""
}

build_python() {
  local tarball="$IMAGE_CACHE/python-rootfs-r$PYTHON_RECIPE.tar.gz" rootfs_sha="" old_id new_id started=$SECONDS
  mkdir -p "$IMAGE_CACHE" 2>/dev/null || die "cannot create $IMAGE_CACHE (set ECSLOCAL_IMAGE_CACHE)"
  # Two set-ups at once (CI and a developer on one machine) build it once.
  exec 9>"$IMAGE_CACHE/.python.lock"
  flock 9

  [[ -f "$tarball" ]] && rootfs_sha="$(sha256sum "$tarball" | cut -d' ' -f1)"
  if [[ $force -eq 0 && "$(label_of "$PYTHON_IMAGE" ecslocal.test-image-recipe)" == "$PYTHON_RECIPE" ]] &&
    [[ -z "$rootfs_sha" || "$(label_of "$PYTHON_IMAGE" ecslocal.rootfs-sha256)" == "$rootfs_sha" ]]; then
    log "$PYTHON_IMAGE is up to date (recipe $PYTHON_RECIPE, $(label_of "$PYTHON_IMAGE" ecslocal.sdk))"
    exec 9>&-
    return
  fi
  if [[ $force -eq 1 || -z "$rootfs_sha" ]]; then
    rm -f "$IMAGE_CACHE"/python-rootfs-r*.tar.gz "$IMAGE_CACHE"/python-rootfs-r*.sdk  # older recipes' too
    build_python_rootfs "$tarball"
    rootfs_sha="$(sha256sum "$tarball" | cut -d' ' -f1)"
  else
    log "python image: importing the cached $tarball"
  fi

  local sdk
  sdk="$(awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $2 }' "${tarball%.tar.gz}.sdk" 2>/dev/null)" ||
    sdk="$(gzip -dc "$tarball" | tar -xOf - ./etc/ecslocal-test-image | awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $2 }')"
  old_id="$(image_id "$PYTHON_IMAGE")"
  "$DOCKER" import \
    --change 'LABEL ecslocal.test-image=true' \
    --change "LABEL ecslocal.test-image-recipe=$PYTHON_RECIPE" \
    --change "LABEL ecslocal.rootfs-sha256=$rootfs_sha" \
    --change "LABEL ecslocal.sdk=\"$sdk\"" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    --message "ecslocal test image (Debian $PYTHON_SUITE minbase, python3, $sdk)" \
    "$tarball" "$PYTHON_IMAGE" >/dev/null
  new_id="$(image_id "$PYTHON_IMAGE")"
  drop_replaced "$old_id" "$new_id"

  # Smoke check: boto3 imports and takes its endpoint from AWS_ENDPOINT_URL.
  "$DOCKER" run --rm --network none --label ecslocal.test-image-check=true \
    -e AWS_ENDPOINT_URL=http://192.0.2.1:9 -e AWS_DEFAULT_REGION=us-east-1 "$PYTHON_IMAGE" python3 -c \
    'import boto3; assert boto3.client("ssm").meta.endpoint_url == "http://192.0.2.1:9"' ||
    die "$PYTHON_IMAGE cannot run boto3"
  log "built $PYTHON_IMAGE (${new_id:7:12}, $("$DOCKER" image inspect --format '{{.Size}}' "$PYTHON_IMAGE" |
    awk '{ printf "%.0f MB", $1 / 1e6 }'), $sdk; $((SECONDS - started)) s)"
  exec 9>&-
}

"$DOCKER" info >/dev/null 2>&1 || die "no Docker daemon answers (run .ci/setup, or start dockerd)"
for image in $WANTED; do
  case "$image" in
    busybox) build_busybox ;;
    python) build_python ;;
    *) die "ECSLOCAL_TEST_IMAGES: unknown image $image (busybox, python)" ;;
  esac
done
