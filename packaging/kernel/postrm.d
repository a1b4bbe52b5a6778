#!/bin/sh
# /etc/kernel/postrm.d/dontpanic: remove the capture initramfs of a kernel
# being removed, and its fingerprint.
set -e
version=$1
dir=${DONTPANIC_DIR:-/var/lib/dontpanic}	# (the tests' stand-in)
[ -n "$version" ] || exit 0
case $version in */*) exit 0 ;; esac
rm -f "$dir/initrd-$version.img" "$dir/initrd-$version.img.fingerprint"
exit 0
