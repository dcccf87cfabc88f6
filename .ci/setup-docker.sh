#!/usr/bin/env bash
# Make a local Docker engine available and build the project's test image (no registry needed).
# Idempotent: safe to run again; does nothing that is already done.
#   - installs docker.io + busybox-static when missing (apt-get update first)
#   - starts dockerd in the background when `docker info` fails (log: /tmp/dockerd.log), waits up to 60 s
#   - builds kctl-test/busybox:1 (scripts/make-test-image.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
log=/tmp/dockerd.log

say() { echo "setup-docker: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

need_install=()
command -v dockerd >/dev/null 2>&1 || need_install+=(docker.io)
command -v docker >/dev/null 2>&1 || need_install+=(docker.io)
[ -x /bin/busybox ] || need_install+=(busybox-static)
if [ "${#need_install[@]}" -gt 0 ]; then
  # shellcheck disable=SC2207
  pkgs=($(printf '%s\n' "${need_install[@]}" | sort -u))
  say "installing ${pkgs[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  say "engine already running"
else
  if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix:///var/run/docker.sock" ]; then
    say "DOCKER_HOST=${DOCKER_HOST} is not reachable and is not the local socket; not starting dockerd"
    exit 1
  fi
  if [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid 2>/dev/null)" 2>/dev/null; then
    say "dockerd is starting (already launched); waiting"
  else
    say "starting dockerd (log: $log)"
    # setsid: detach from this shell's process group so the engine outlives the script.
    as_root setsid dockerd >>"$log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then break; fi
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    say "the Docker engine did not answer within 60 s; last lines of $log:"
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  say "engine up: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
fi

bash "$repo/scripts/make-test-image.sh"
