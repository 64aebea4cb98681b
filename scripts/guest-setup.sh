#!/bin/sh
# Idempotent setup of the guest differential (docs/guest.md): QEMU, busybox and a static C
# toolchain from Debian when missing, and Debian's 6.1 guest kernel with the NIC modules in the
# cache folder ($MCAST_TESTBENCH_CACHE, default .cache/guest in the repository).
# Only Debian's apt is used: `apt-get download` of one kernel package, then `dpkg-deb -x`.
set -eu
KVER=6.1.0-57-amd64
PKG=linux-image-$KVER
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MCAST_TESTBENCH_CACHE:-$ROOT/.cache/guest}
DEST=$CACHE/linux-$KVER

need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
[ -x /bin/busybox ] || need="$need busybox-static"
command -v cc >/dev/null 2>&1 || need="$need gcc"
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need="$need libc6-dev"
if [ -n "$need" ]; then
  echo "guest-setup: installing$need"
  apt-get install -y --no-install-recommends $need
fi

# Keep only what the guest loads: NIC drivers and their dependencies, the virtio stack, and the
# devices of the routing / VLAN / bond runs in the guest (veth, 8021q, bonding, macvlan, dummy;
# src/guest/kernel-host.ts). IP_MROUTE and IPV6_MROUTE are built into Debian's kernel (=y).
MODULES="
  drivers/net/mii.ko
  drivers/net/ethernet/intel/e1000/e1000.ko
  drivers/net/ethernet/intel/e1000e/e1000e.ko
  drivers/net/ethernet/intel/e100.ko
  drivers/net/ethernet/dec/tulip/tulip.ko
  drivers/net/ethernet/amd/pcnet32.ko
  drivers/net/ethernet/8390/8390.ko
  drivers/net/ethernet/8390/ne2k-pci.ko
  drivers/net/ethernet/realtek/8139cp.ko
  drivers/net/ethernet/realtek/8139too.ko
  drivers/net/vmxnet3/vmxnet3.ko
  drivers/net/net_failover.ko
  net/core/failover.ko
  drivers/net/virtio_net.ko
  drivers/virtio/virtio.ko
  drivers/virtio/virtio_ring.ko
  drivers/virtio/virtio_pci.ko
  drivers/virtio/virtio_pci_modern_dev.ko
  drivers/virtio/virtio_pci_legacy_dev.ko
  net/8021q/8021q.ko
  net/802/garp.ko net/802/mrp.ko net/802/stp.ko net/llc/llc.ko
  drivers/net/bonding/bonding.ko
  net/tls/tls.ko
  drivers/net/macvlan.ko drivers/net/dummy.ko drivers/net/veth.ko
"

# A cache made by an older version of this script lacks modules added to the list since: extract again.
if [ -f "$DEST/.complete" ]; then
  missing=""
  for m in $MODULES; do
    b=$(basename "$m")
    [ -f "$DEST/modules/$b" ] || grep -qx "$b" "$DEST/ABSENT" 2>/dev/null || missing="$missing $b"
  done
  if [ -z "$missing" ]; then
    echo "guest-setup: $DEST ready"
    exit 0
  fi
  echo "guest-setup: $DEST lacks$missing: extracting again"
fi
mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.setup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download "$PKG")
dpkg-deb -x "$tmp"/"$PKG"_*.deb "$tmp/x"
mkdir -p "$tmp/out/modules"
cp "$tmp/x/boot/vmlinuz-$KVER" "$tmp/out/vmlinuz"
cp "$tmp/x/boot/config-$KVER" "$tmp/out/config"
K="$tmp/x/lib/modules/$KVER/kernel"
: > "$tmp/out/ABSENT"
for m in $MODULES
do
  f=$(ls "$K/$m" "$K/$m.xz" 2>/dev/null | head -1 || true)
  if [ -n "$f" ]; then cp "$f" "$tmp/out/modules/"; else echo "guest-setup: note: $m not in $PKG"; basename "$m" >> "$tmp/out/ABSENT"; fi
done
# Debian compresses modules with xz; busybox insmod reads plain ELF.
for f in "$tmp/out/modules/"*.xz; do [ -e "$f" ] && xz -d "$f"; done
echo "$PKG $(dpkg-deb -f "$tmp"/"$PKG"_*.deb Version)" > "$tmp/out/VERSION"
rm -rf "$DEST"
mv "$tmp/out" "$DEST"
touch "$DEST/.complete"
echo "guest-setup: $DEST ready"
