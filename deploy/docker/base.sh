#!/usr/bin/env bash
# Makes the base image where no registry is reachable (CI): Debian bookworm from Debian's packages with
# debootstrap (minbase, plus the PostgreSQL 15 client tools the ops image uses and what node links to), with
# this machine's Node 20 and npm laid out as distroless does (/nodejs/bin/node), its non-root user 65532 and
# this machine's certificate authorities (npm ci inside the build must trust what the machine trusts). One image
# serves as BUILD_BASE (it has npm and a shell; it runs as root, as node's images do) and as BASE (the
# Dockerfile's last stage switches to 65532). Prints its name.
# The debootstrap tree is cached under $CACHE keyed by what it is made of (the image by everything), so a rerun
# takes seconds; from scratch it takes about 6 minutes.
#   deploy/docker/base.sh [buildah storage options…]
set -euo pipefail
CACHE=${LINGUDESK_IMAGE_CACHE:-/var/cache/lingudesk-images}
PACKAGES=ca-certificates,libstdc++6,postgresql-client-15
MIRROR=http://deb.debian.org/debian
node=$(readlink -f "$(command -v node)")
npm=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")") # …/node_modules/npm
cas=/etc/ssl/certs/ca-certificates.crt
tree_key=$(echo "debootstrap --variant=minbase --include=$PACKAGES bookworm $MIRROR" | sha256sum | cut -c1-16)
key=$( (cat "$0"; echo "$tree_key"; sha256sum "$node" "$cas"; cat "$npm/package.json") | sha256sum | cut -c1-16)
name=localhost/lingudesk-base:$key
buildah=(buildah "$@")

if "${buildah[@]}" inspect --type image "$name" >/dev/null 2>&1; then echo "$name"; exit 0; fi
tree=$CACHE/debootstrap-$tree_key.tar
if [ ! -f "$tree" ]; then
  mkdir -p "$CACHE"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$work/root" "$MIRROR" >&2
  rm -rf "$work/root/var/cache/apt/archives"/*.deb "$work/root/var/lib/apt/lists"/*
  tar -C "$work/root" -cf "$tree.part" . && mv "$tree.part" "$tree"
fi

ctr=$("${buildah[@]}" from scratch)
mnt=$("${buildah[@]}" mount "$ctr")
tar -C "$mnt" -xf "$tree"
install -D -m 0755 "$node" "$mnt/nodejs/bin/node"
mkdir -p "$mnt/nodejs/lib/node_modules" && cp -a "$npm" "$mnt/nodejs/lib/node_modules/npm"
ln -sf /nodejs/bin/node "$mnt/usr/local/bin/node"
ln -sf /nodejs/lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin' >> "$mnt/etc/passwd"
echo 'nonroot:x:65532:' >> "$mnt/etc/group"
mkdir -p "$mnt/home/nonroot" && chown 65532:65532 "$mnt/home/nonroot"
cp "$cas" "$mnt$cas"
"${buildah[@]}" umount "$ctr" >/dev/null
"${buildah[@]}" config --entrypoint '["/nodejs/bin/node"]' --env PATH=/usr/local/bin:/usr/bin:/bin --env NODE_EXTRA_CA_CERTS=$cas "$ctr"
"${buildah[@]}" commit --format docker --quiet "$ctr" "$name" >/dev/null
"${buildah[@]}" rm "$ctr" >/dev/null
echo "$name"
