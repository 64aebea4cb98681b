// The delete records of IGMPv3 and MLDv2: in_dev->mc_tomb (net/ipv4/igmp.c igmpv3_add_delrec,
// igmpv3_del_delrec) and idev->mc_tomb (net/ipv6/mcast.c mld_add_delrec, mld_del_delrec). A
// group record that is dropped (its last user left, or the device went down: ip_mc_down,
// ipv6_mc_down) leaves a record behind, which keeps the group's source list when the group was
// in INCLUDE mode. A group that is created again, or reloaded by ip_mc_up / ipv6_mc_up, takes
// the newest record of its address; if the group is in INCLUDE mode *now*, its source list and
// the record's are swapped (the record's list, possibly none, becomes the group's). So a group
// that went EXCLUDE -> INCLUDE while its device was down comes up with no sources, and one that
// stayed INCLUDE comes up with the list it had at the down (observed on Linux 6.18:
// docs/kernel-differential.md). Records of a device that stays up are retransmitted and freed by
// a timer within a few seconds (igmpv3_send_cr); scenarios are faster than that, so here they
// stay until a group takes them.
import type { FilterMode, GroupRecord, SourceCount } from './group.ts';

interface DeleteRecord {
  /** pmc->sfmode: the group's mode when it was dropped. */
  readonly sfmode: FilterMode;
  /** pmc->sources: the group's source list if it was in INCLUDE mode then and not empty, else none. */
  readonly sources: Map<string, SourceCount> | null;
  /** The address's record before this one (a stack, newest first, without an array per address). */
  readonly older: DeleteRecord | null;
}

export class DeleteRecords {
  /**
   * igmpv3_add_delrec puts a record at the head of one list and igmpv3_del_delrec takes the first
   * of the address: per address, newest last here (a stack), which is the same choice in O(1).
   */
  private readonly records = new Map<string, DeleteRecord>();

  /** igmpv3_add_delrec / mld_add_delrec: an INCLUDE group's sources move into the record. */
  add(group: GroupRecord): void {
    const sources = group.sfmode === 'include' ? group.takeSources(null) : null;
    this.records.set(group.key, { sfmode: group.sfmode, sources, older: this.records.get(group.key) ?? null });
  }

  /** igmpv3_del_delrec / mld_del_delrec: the newest record of the group's address is consumed. */
  restore(group: GroupRecord): void {
    const record = this.records.get(group.key);
    if (!record) return;
    if (record.older) this.records.set(group.key, record.older);
    else this.records.delete(group.key);
    // "if (im->sfmode == MCAST_INCLUDE) swap(im->sources, pmc->sources)"; the record is freed.
    if (group.sfmode === 'include') group.takeSources(record.sources);
  }

}
