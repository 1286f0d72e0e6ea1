#!/bin/sh
# Fetch the browser libraries we serve from our own static files, from the npm registry, pinned and checked.
# Re-run after changing a version below; commit the result (the Docker build and `make run` use the files as is).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# html5-qrcode (Apache-2.0): the camera QR scanner of the crew's boarding page (ticketing_core/boarding)
NAME=html5-qrcode VERSION=2.3.8
INTEGRITY="sha512-jsr4vafJhwoLVEDW3n1KvPnCCXWaQfRng0/EEYk1vNcQGcG/htAdhJX0be8YyqMoSz7+hZvOZSTAepsabiuhiQ=="
DEST="$ROOT/addons/ticketing_core/static/ticketing_core/boarding/vendor/$NAME"
(cd "$TMP" && npm pack --silent "$NAME@$VERSION" >/dev/null)
GOT="sha512-$(openssl dgst -sha512 -binary "$TMP/$NAME-$VERSION.tgz" | base64 -w0)"
[ "$GOT" = "$INTEGRITY" ] || { echo "integrity mismatch for $NAME@$VERSION" >&2; exit 1; }
tar -xzf "$TMP/$NAME-$VERSION.tgz" -C "$TMP"
mkdir -p "$DEST"
cp "$TMP/package/html5-qrcode.min.js" "$TMP/package/LICENSE" "$DEST/"
printf '%s@%s from the npm registry (%s), integrity %s\n' "$NAME" "$VERSION" \
  "https://registry.npmjs.org/$NAME/-/$NAME-$VERSION.tgz" "$INTEGRITY" > "$DEST/VERSION"
echo "$NAME@$VERSION -> $DEST"
