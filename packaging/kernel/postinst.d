#!/bin/sh
# /etc/kernel/postinst.d/dontpanic: build the capture initramfs for a
# kernel just installed (after its depmod), so that dontpanic.service
# finds it current at the next boot. Nothing unless the admin enabled
# dontpanic.service; never fails the kernel's installation (the service
# retries at boot and says why).
set -e
version=$1
dp=${DONTPANIC:-/usr/bin/dontpanic}	# (the tests' stand-in)
[ -n "$version" ] || exit 0
[ -x "$dp" ] || exit 0
command -v systemctl >/dev/null 2>&1 || exit 0
systemctl -q is-enabled dontpanic.service 2>/dev/null || exit 0
# hooks must not write to stdout (debconf may own it)
if ! "$dp" initramfs --kver "$version" --if-changed --quiet >&2; then
	echo "dontpanic: no capture initramfs for $version yet; dontpanic.service retries at boot" >&2
fi
exit 0
