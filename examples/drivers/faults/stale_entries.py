#!/usr/bin/env python3
"""Fault: stale entries after a shrink. New addresses are added to the table, addresses that
left the list are never removed (the driver writes slots but never clears them)."""
from driverloop import ExactTable, serve


class StaleEntries(ExactTable):
    size = 16

    def program(self, promisc, allmulti, mc):
        self.promisc, self.allmulti = promisc, allmulti
        self.table += [m for m in mc if m not in self.table]    # BUG: nothing is ever removed
        return None


serve("stale-entries", StaleEntries)
