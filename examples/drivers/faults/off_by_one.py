#!/usr/bin/env python3
"""Fault: off-by-one at the table limit. The overflow test is `>` size + 1, so a list of
exactly size + 1 addresses is written into the size-entry table and its last address is lost."""
from driverloop import ExactTable, serve


class OffByOne(ExactTable):
    def program(self, promisc, allmulti, mc):
        self.promisc = promisc
        overflow = len(mc) > self.size + 1     # BUG: should be len(mc) > self.size
        self.allmulti = allmulti or overflow
        self.table = [] if overflow else list(mc)[: self.size]    # the hardware has size slots
        return None


serve("off-by-one", OffByOne)
