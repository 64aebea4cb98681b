#!/usr/bin/env python3
"""Fault: table overflow without all-multicast. When the list does not fit, the driver
disables the table (as it should) but forgets to set the all-multicast bit, so every
multicast frame is dropped."""
from driverloop import ExactTable, serve


class OverflowNoAllmulti(ExactTable):
    def program(self, promisc, allmulti, mc):
        self.promisc = promisc
        self.allmulti = allmulti                # BUG: overflow should set it too
        self.table = [] if len(mc) > self.size else list(mc)
        return None


serve("overflow-no-allmulti", OverflowNoAllmulti)
