#!/usr/bin/env python3
"""Fault: truncating the list silently instead of refusing. A strict 4-entry table (like a
DPDK PMD, where rte_eth_dev_set_mc_addr_list must fail with ENOSPC) keeps the first 4
addresses of a longer list and answers ok."""
from driverloop import ExactTable, serve


class TruncateSilently(ExactTable):
    def program(self, promisc, allmulti, mc):
        self.promisc, self.allmulti = promisc, allmulti
        self.table = list(mc)[: self.size]      # BUG: should refuse with ENOSPC, table unchanged
        return None


serve("truncate-silently", TruncateSilently)
