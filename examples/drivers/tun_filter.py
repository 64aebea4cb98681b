#!/usr/bin/env python3
"""A correct driver for `mcast-testbench check --driver`: the tap TX filter of the Linux tun
driver (drivers/net/tun.c update_filter / run_filter), programmed the way a tap backend programs
it with TUNSETTXFILTER: the station MAC, broadcast, then the device list in its order;
TUN_FLT_ALLMULTI under ALLMULTI; under PROMISC a filter with no addresses (disabled).

Protocol: docs/driver-protocol.md (one JSON object per line on stdin, one answer per line on
stdout, flushed). Standard library only.
"""
import json
import sys
import zlib

FLT_EXACT_COUNT = 8          # drivers/net/tun.c: the first 8 addresses are matched exactly
BROADCAST = bytes([0xFF] * 6)


def parse_mac(text):
    return bytes(int(h, 16) for h in text.split(":"))


def is_multicast(mac):
    # include/linux/etherdevice.h is_multicast_ether_addr: bit 0 of the first octet
    return mac[0] & 1 == 1


def ether_crc(mac):
    # include/linux/crc32.h: ether_crc = bitrev32(crc32_le(~0, p, len)), no final inversion.
    # zlib.crc32 is crc32_le(~0) followed by the final inversion, so undo that.
    crc_le = zlib.crc32(mac) ^ 0xFFFFFFFF
    return int(f"{crc_le:032b}"[::-1], 2)


def bucket(mac):
    # drivers/net/tun.c addr_hash_set: ether_crc(ETH_ALEN, addr) >> 26
    return ether_crc(mac) >> 26


class TapFilter:
    def __init__(self, own):
        self.own = own
        self.count = 0      # tun_set_iff starts with the filter disabled: everything passes
        self.exact = []
        self.mask = 0

    def program(self, promisc, allmulti, mc):
        addrs = [] if promisc else [self.own, BROADCAST] + mc
        if not addrs:
            self.count = 0          # update_filter: count 0 disables the filter
            return
        nexact = min(len(addrs), FLT_EXACT_COUNT)
        self.exact = addrs[:nexact]
        self.mask = 0
        for a in addrs[nexact:]:
            if not is_multicast(a):
                self.count = 0      # "unicast will leave the filter disabled"
                return
            self.mask |= 1 << bucket(a)
        if allmulti:
            self.mask = (1 << 64) - 1   # TUN_FLT_ALLMULTI
        self.count = nexact

    def accept(self, dst):
        # check_filter / run_filter
        if self.count == 0 or dst in self.exact[: self.count]:
            return True
        return is_multicast(dst) and (self.mask >> bucket(dst)) & 1 == 1


def main():
    nic = TapFilter(BROADCAST)
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "hello":
            # "order": "list": which groups get exact slots depends on the list order.
            answer = {"name": "tun-filter.py", "model": "tun", "order": "list"}
        elif op == "reset":
            nic = TapFilter(parse_mac(req["mac"]))
            answer = {"ok": True}
        elif op == "program":
            nic.program(req["promisc"], req["allmulti"], [parse_mac(m) for m in req["mc"]])
            answer = {"ok": True}
        elif op == "rx":
            answer = {"accept": nic.accept(parse_mac(req["dst"]))}
        else:
            answer = {"error": "unknown op " + str(op)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
