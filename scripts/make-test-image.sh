#!/usr/bin/env bash
# Build the e2e test image kctl-test/busybox:1 without a registry: a busybox-static rootfs
# piped as a tar into `docker import`. Skips the build when the image already exists
# (set KCTL_REBUILD_TEST_IMAGE=1 to force).
set -euo pipefail

image="${KCTL_TEST_IMAGE:-kctl-test/busybox:1}"
busybox="${BUSYBOX:-/bin/busybox}"

if [ "${KCTL_REBUILD_TEST_IMAGE:-}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "make-test-image: $image already present" >&2
  exit 0
fi
if [ ! -x "$busybox" ]; then
  echo "make-test-image: $busybox missing (apt-get install busybox-static)" >&2
  exit 1
fi
if ldd "$busybox" >/dev/null 2>&1; then
  echo "make-test-image: $busybox is dynamically linked; install busybox-static" >&2
  exit 1
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,www,tmp,root,proc,sys,dev,var/log}
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"

applets=(sh ash httpd sleep wget nc hostname cat echo ls env kill true false id ps mkdir rm touch date
  grep head tail wc test '[' printf cp mv ln pwd uname whoami sed awk tr cut sort uniq tee xargs find
  stat du df free uptime dd seq yes basename dirname readlink realpath chmod chown sync nslookup
  ifconfig ip netstat top pidof pgrep pkill usleep timeout watch vi tar gzip gunzip base64 md5sum
  sha256sum expr which nohup)
for a in "${applets[@]}"; do
  ln -sf busybox "$root/bin/$a"
done

cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$root/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
echo '<h1>kctl test image</h1>' >"$root/www/index.html"

# Numeric owner root:root so that files do not belong to the building user.
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
  docker import \
    --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
    --change 'WORKDIR /' \
    --change 'CMD ["/bin/sh"]' \
    - "$image" >/dev/null
echo "make-test-image: built $image" >&2
