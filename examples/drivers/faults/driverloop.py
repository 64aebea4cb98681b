"""The protocol loop shared by the fault-catalog drivers (docs/driver-protocol.md).

A driver is a class built from the station MAC with program(promisc, allmulti, mc) returning
None (accepted) or an errno name (refused), and accept(dst) returning a bool. MACs are bytes.
"""
import json
import sys
import zlib

BROADCAST = bytes([0xFF] * 6)


def parse_mac(text):
    return bytes(int(h, 16) for h in text.split(":"))


def is_multicast(mac):
    return mac[0] & 1 == 1


def ether_crc_le(mac):
    # include/linux/crc32.h ether_crc_le = crc32_le(~0, p, len), no final inversion
    return zlib.crc32(mac) ^ 0xFFFFFFFF


def ether_crc(mac):
    # include/linux/crc32.h ether_crc = bitrev32(crc32_le(~0, p, len))
    return int(f"{ether_crc_le(mac):032b}"[::-1], 2)


def serve(name, make_driver, model=None):
    nic = make_driver(BROADCAST)
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "hello":
            answer = {"name": name, "model": model}
        elif op == "reset":
            nic = make_driver(parse_mac(req["mac"]))
            answer = {"ok": True}
        elif op == "program":
            err = nic.program(req["promisc"], req["allmulti"], [parse_mac(m) for m in req["mc"]])
            answer = {"ok": True} if err is None else {"ok": False, "error": err}
        elif op == "rx":
            answer = {"accept": bool(nic.accept(parse_mac(req["dst"])))}
        else:
            answer = {"error": "unknown op " + str(op)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


class ExactTable:
    """A perfect-match table of `size` entries that goes all-multicast when the list does not
    fit (drivers/net/ethernet/realtek/8139too.c style: multicast_filter_limit, then ALLMULTI).
    The fault drivers change one thing each."""

    size = 4

    def __init__(self, own):
        self.own = own
        self.promisc = False
        self.allmulti = False
        self.table = []

    def program(self, promisc, allmulti, mc):
        self.promisc = promisc
        self.allmulti = allmulti or len(mc) > self.size
        self.table = [] if len(mc) > self.size else list(mc)
        return None

    def accept(self, dst):
        if self.promisc or dst == self.own or dst == BROADCAST:
            return True
        if self.allmulti and is_multicast(dst):
            return True
        return dst in self.table
