#!/bin/sh
# tools/linux_guest.sh - `make linux-guest`: Debian 12's unmodified kernel
# and an initramfs with busybox, for booting Linux as an svmhv guest.
#   DIR/debs/       the .deb files, downloaded once with `apt-get download`
#                   (the newest linux-image-6.1.0-N-amd64 the apt sources
#                   know, and busybox-static); a rerun uses them offline
#   DIR/kernel/     the kernel package unpacked (dpkg-deb -x, not installed)
#   DIR/busybox/    busybox-static unpacked
#   DIR/vmlinuz     the bzImage
#   DIR/initrd.img  gzip'ed newc cpio: busybox and tests/linux/init
# Exit 0 when both files are there, 1 with a message when the packages
# cannot be had (no apt sources, no network and nothing cached).
set -eu
DIR=${1:?usage: linux_guest.sh DIR}
TOP=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
mkdir -p "$DIR/debs"

kdeb=$(ls "$DIR"/debs/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$kdeb" ]; then
	pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
	      awk '{print $1}' | sort -V | tail -n 1)
	if [ -z "$pkg" ]; then
		echo "linux-guest: no linux-image-6.1.0-*-amd64 in the apt sources (apt-get update?)" >&2
		exit 1
	fi
	echo "linux-guest: apt-get download $pkg"
	(cd "$DIR/debs" && apt-get download -q "$pkg") || {
		echo "linux-guest: apt-get download $pkg failed (no network?)" >&2; exit 1; }
	kdeb=$(ls "$DIR"/debs/linux-image-6.1.0-*-amd64_*.deb | sort -V | tail -n 1)
fi
bdeb=$(ls "$DIR"/debs/busybox-static_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bdeb" ]; then
	echo "linux-guest: apt-get download busybox-static"
	(cd "$DIR/debs" && apt-get download -q busybox-static) || {
		echo "linux-guest: apt-get download busybox-static failed (no network?)" >&2; exit 1; }
	bdeb=$(ls "$DIR"/debs/busybox-static_*.deb | sort -V | tail -n 1)
fi

# Unpacked again only when the .deb is newer than what was unpacked.
unpack() {	# DEB DEST
	if [ ! -f "$2/.unpacked" ] || [ "$1" -nt "$2/.unpacked" ]; then
		rm -rf "$2"
		dpkg-deb -x "$1" "$2"
		touch "$2/.unpacked"
	fi
}
unpack "$kdeb" "$DIR/kernel"
unpack "$bdeb" "$DIR/busybox"

vmlinuz=$(ls "$DIR"/kernel/boot/vmlinuz-* | head -n 1)
cp "$vmlinuz" "$DIR/vmlinuz.tmp" && mv "$DIR/vmlinuz.tmp" "$DIR/vmlinuz"
basename "$kdeb" > "$DIR/kernel.version"

"$PYTHON" "$TOP/tools/mkinitramfs.py" "$DIR/initrd.img" \
	dir:bin dir:sbin dir:dev dir:proc dir:sys dir:usr dir:usr/bin dir:usr/sbin dir:tmp dir:root \
	cdev:dev/console=5,1 cdev:dev/null=1,3 cdev:dev/ttyS0=4,64 \
	file:bin/busybox="$DIR/busybox/bin/busybox":755 \
	link:bin/sh=busybox \
	file:init="$TOP/tests/linux/init":755
echo "linux-guest: $DIR/vmlinuz ($(basename "$kdeb")), $DIR/initrd.img ($(wc -c < "$DIR/initrd.img") bytes)"
