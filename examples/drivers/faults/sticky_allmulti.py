#!/usr/bin/env python3
"""Fault: sticky all-multicast. Overflow of the 4-entry table turns all-multicast on, and
nothing turns it off again when the list shrinks back (only a reset does)."""
from driverloop import ExactTable, serve


class StickyAllmulti(ExactTable):
    def program(self, promisc, allmulti, mc):
        self.promisc = promisc
        overflow = len(mc) > self.size
        self.allmulti = self.allmulti or allmulti or overflow    # BUG: never cleared
        self.table = [] if overflow else list(mc)
        return None


serve("sticky-allmulti", StickyAllmulti)
