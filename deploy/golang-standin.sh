#!/usr/bin/env bash
# Makes a local stand-in for the golang:VERSION base image that
# deploy/Dockerfile builds on, for a Docker engine that cannot reach a
# registry (CI machines without internet). The stand-in holds this
# machine's Go toolchain, which must be the VERSION asked for, a static
# busybox for the Dockerfile's RUN lines and the CA bundle, and, when a
# build cache is given, a copy of it so the image's `go build` reuses
# what this machine compiled with the same flags. Nothing else changes:
# the final image is made from the same Dockerfile lines as with the
# real golang image.
#   deploy/golang-standin.sh VERSION [GOCACHE_DIR]
# Needs docker (an engine answering) and busybox (Debian's busybox-static).
set -euo pipefail

version=${1:?usage: deploy/golang-standin.sh VERSION [GOCACHE_DIR]}
cache=${2:-}
goroot=$(go env GOROOT)
have=$(go env GOVERSION)
if [ "$have" != "go$version" ]; then
	echo "standin: this machine has $have, not go$version" >&2
	exit 1
fi
busybox=/bin/busybox
# ldd answers "not a dynamic executable" for a static one.
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	echo "standin: no static $busybox (install Debian's busybox-static)" >&2
	exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc/ssl/certs" "$root/usr/local" "$root/root/.cache"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in sh mkdir cp echo cat ls rm mv chmod chown ln; do
	ln -s busybox "$root/bin/$applet"
done
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
cp -a "$goroot" "$root/usr/local/go"
if [ -n "$cache" ]; then
	cp -a "$cache" "$root/root/.cache/go-build"
fi
tar -C "$root" -c . | docker import \
	-c 'ENV PATH=/usr/local/go/bin:/bin' -c 'ENV GOPATH=/go' -c 'ENV GOTOOLCHAIN=local' \
	-c 'ENV HOME=/root' -c 'WORKDIR /go' \
	-m "stand-in for golang:$version made by deploy/golang-standin.sh" - "golang:$version" >/dev/null
echo "standin: golang:$version from this machine's Go toolchain${cache:+ and build cache}"
