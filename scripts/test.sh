#!/usr/bin/env bash
# The test command: installs what the tests need (a MinIO server for the S3
# tests, built from the Go module proxy), then vets and tests everything.
# Usage: ./scripts/test.sh [go test flags...]
set -euo pipefail
cd "$(dirname "$0")/.."

# MinIO, pinned to the version the S3 tests were written against. The build
# takes a few minutes the first time and is cached in $(go env GOPATH)/bin.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
GOBIN_DIR="$(go env GOPATH)/bin"
if [ -z "${TRAILSQL_MINIO:-}" ]; then
	if ! go version -m "$GOBIN_DIR/minio" 2>/dev/null | grep -q "$MINIO_VERSION"; then
		echo "installing minio $MINIO_VERSION (first time only, a few minutes)..." >&2
		(cd / && go install "github.com/minio/minio@$MINIO_VERSION")
	fi
	export TRAILSQL_MINIO="$GOBIN_DIR/minio"
fi

# Chromium for the web console's browser tests (internal/server/e2e):
# Debian's package, installed the first time. The tests fail when it
# cannot start.
if [ -z "${TRAILSQL_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
	echo "installing chromium (first time only)..." >&2
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
fi

if [ -n "$(gofmt -l cmd internal)" ]; then
	echo "gofmt needed on:" >&2
	gofmt -l cmd internal >&2
	exit 1
fi
go vet ./...
go test -count=1 -timeout 30m "$@" ./...
