#!/usr/bin/env python3
"""Fault: PROMISC ignored while ALLMULTI is on. The driver picks one receive mode with the
tests in the wrong order (ALLMULTI first), so PROMISC|ALLMULTI drops foreign unicast."""
from driverloop import BROADCAST, ExactTable, is_multicast, serve


class IgnorePromiscWithAllmulti(ExactTable):
    def program(self, promisc, allmulti, mc):
        overflow = len(mc) > self.size
        if allmulti or overflow:                # BUG: PROMISC must be tested first
            self.promisc, self.allmulti = False, True
        else:
            self.promisc, self.allmulti = promisc, False
        self.table = [] if overflow else list(mc)
        return None


serve("ignore-promisc-with-allmulti", IgnorePromiscWithAllmulti)
