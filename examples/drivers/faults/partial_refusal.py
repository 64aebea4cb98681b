#!/usr/bin/env python3
"""Fault: a refusal that is not clean. A strict 4-entry table refuses a longer list with
ENOSPC, but only after it has already cleared the table."""
from driverloop import ExactTable, serve


class PartialRefusal(ExactTable):
    def program(self, promisc, allmulti, mc):
        self.promisc, self.allmulti = promisc, allmulti
        self.table = []                          # BUG: cleared before the size check
        if len(mc) > self.size:
            return "ENOSPC"
        self.table = list(mc)
        return None


serve("partial-refusal", PartialRefusal)
