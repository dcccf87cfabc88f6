#!/usr/bin/env bash
# kctl demo: apply a pod, watch it become Ready, reach it on 127.0.0.1, kill its process and watch kctl
# restart it, then clean up. Uses a throw-away $KCTL_HOME; needs a Docker engine (.ci/setup-docker.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/bundle/main.js ] || npm run build >/dev/null
docker info >/dev/null 2>&1 || bash .ci/setup-docker.sh
docker image inspect kctl-test/busybox:1 >/dev/null 2>&1 || bash scripts/make-test-image.sh

export KCTL_HOME="$(mktemp -d)/kctl"
kctl() { node bin/kctl.js "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
cleanup() {
  kctl delete pod web --grace-period=1 >/dev/null 2>&1 || true
  kctl controller stop >/dev/null 2>&1 || true
  rm -rf "$(dirname "$KCTL_HOME")"
}
trap cleanup EXIT

ready() { kctl get pod web -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null; }
wait_ready() {
  for _ in $(seq 1 60); do [ "$(ready)" = True ] && return 0; sleep 0.5; done
  echo "pod did not become Ready" >&2; kctl describe pod web >&2; return 1
}
host_port() { kctl get pod web -o 'jsonpath={.metadata.annotations.kctl\.io/ports}' | sed -E 's/.*"hostPort":([0-9]+).*/\1/'; }
fetch() { node -e "fetch('http://127.0.0.1:$1/').then(r=>r.text()).then(t=>process.stdout.write('HTTP 200 from '+t)).catch(e=>{console.error(e.message);process.exit(1)})"; }

step kctl apply -f examples/web-pod.yaml
kctl apply -f examples/web-pod.yaml
wait_ready
step kctl get pods -o wide
kctl get pods -o wide
port=$(host_port)
step "curl http://127.0.0.1:$port/   # the containerPort, published on loopback"
fetch "$port"

step "kill -9 the web server (as a crash would)"
cid=$(kctl get pod web -o 'jsonpath={.status.containerStatuses[0].containerID}' | sed 's|docker://||')
kill -9 "$(docker inspect -f '{{.State.Pid}}' "$cid")"
sleep 1
for _ in $(seq 1 60); do [ "$(kctl get pod web -o 'jsonpath={.status.containerStatuses[0].restartCount}')" -ge 1 ] && break; sleep 0.5; done
wait_ready
step kctl get pods
kctl get pods
port=$(host_port)
fetch "$port"
step kctl describe pod web
kctl describe pod web | sed -n '/^Events:/,$p'
printf '\nDone. (cleaning up: pod, controller, temporary KCTL_HOME)\n'
