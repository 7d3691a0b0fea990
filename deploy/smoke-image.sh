#!/usr/bin/env bash
# Smoke-tests the container image: builds it from deploy/Dockerfile (or
# takes IMAGE), runs it with a read-only root, no capabilities and no
# new privileges, publishing its port on a loopback port of Docker's
# choosing, and checks that it runs as a non-root user, answers
# /v1/health, takes a sign-up and a sign-in (smoke-lib.sh), reports
# healthy through its HEALTHCHECK (gatehouse health), and takes a backup
# of its database. The container is removed at the end.
#   deploy/smoke-image.sh            # build gatehouse:smoke, then test it
#   deploy/smoke-image.sh IMAGE      # test an image already built
# Needs a running Docker engine (docker info must work) and curl.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deploy/smoke-lib.sh
. "$root/deploy/smoke-lib.sh"

if ! docker info >/dev/null 2>&1; then
	echo "smoke: no Docker engine answers here (docker info fails)" >&2
	exit 1
fi

image=${1:-}
if [ -z "$image" ]; then
	image=gatehouse:smoke
	echo "smoke: building $image from deploy/Dockerfile"
	docker build -f "$root/deploy/Dockerfile" -t "$image" "$root"
fi

user=$(docker image inspect --format '{{.Config.User}}' "$image")
case $user in
"" | root | 0 | 0:* | root:*)
	echo "smoke: $image runs as root (User is '$user')" >&2
	exit 1
	;;
esac
echo "smoke: $image runs as user $user"

cid=
cleanup() {
	if [ -n "$cid" ]; then
		docker rm -f "$cid" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

key=smoke_admin_$(smoke_random_hex 16)
cid=$(docker run -d --read-only --cap-drop=ALL --security-opt=no-new-privileges \
	--health-interval=2s --health-start-period=0s \
	-e GATEHOUSE_ADMIN_KEY="$key" -e GATEHOUSE_SECRET_KEY="$(smoke_random_hex 32)" \
	-p 127.0.0.1::8080 "$image")
port=$(docker port "$cid" 8080/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1)
if [ -z "$port" ]; then
	echo "smoke: no published port" >&2
	docker logs "$cid" >&2 || true
	exit 1
fi
base=http://127.0.0.1:$port
echo "smoke: container ${cid:0:12} on $base"
if ! smoke_wait_health "$base" 60 || ! smoke_api "$base" "$key"; then
	docker logs "$cid" >&2 || true
	exit 1
fi

health=
for _ in $(seq 1 60); do
	health=$(docker inspect --format '{{.State.Health.Status}}' "$cid")
	[ "$health" = healthy ] && break
	sleep 1
done
if [ "$health" != healthy ]; then
	echo "smoke: the image's HEALTHCHECK says '$health'" >&2
	docker inspect --format '{{json .State.Health}}' "$cid" >&2 || true
	exit 1
fi
echo "smoke: HEALTHCHECK (gatehouse health): healthy"

out=$(docker exec "$cid" /gatehouse backup --to /data/smoke-backup.db)
echo "smoke: gatehouse backup in the container: $out"

docker stop --time 30 "$cid" >/dev/null
code=$(docker inspect --format '{{.State.ExitCode}}' "$cid")
if [ "$code" != 0 ]; then
	echo "smoke: the container exited $code on stop" >&2
	docker logs "$cid" >&2 || true
	exit 1
fi
echo "smoke: stopped cleanly; image $image passed"
