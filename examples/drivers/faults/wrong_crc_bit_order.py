#!/usr/bin/env python3
"""Fault: wrong CRC bit order. A 64-bucket hash filter (8139too MAR registers) whose hardware
hashes with ether_crc(addr) >> 26, while the driver computes the bucket from ether_crc_le (the
CRC without the bit reversal), so it sets the wrong bits and listed groups are dropped."""
from driverloop import BROADCAST, ether_crc, ether_crc_le, is_multicast, serve


class WrongCrcBitOrder:
    def __init__(self, own):
        self.own = own
        self.promisc = False
        self.mar = 0

    def program(self, promisc, allmulti, mc):
        self.promisc = promisc
        self.mar = 0
        for m in mc:
            self.mar |= 1 << (ether_crc_le(m) >> 26)    # BUG: should be ether_crc(m) >> 26
        if allmulti:
            self.mar = (1 << 64) - 1
        return None

    def accept(self, dst):
        if self.promisc or dst == self.own or dst == BROADCAST:
            return True
        # what the hardware does: drivers/net/ethernet/realtek/8139too.c __set_rx_mode
        return is_multicast(dst) and (self.mar >> (ether_crc(dst) >> 26)) & 1 == 1


serve("wrong-crc-bit-order", WrongCrcBitOrder)
