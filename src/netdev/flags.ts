// dev->promiscuity / dev->allmulti counters and the `ip link set … promisc|allmulticast` user
// flags (dev->gflags), as net/core/dev.c keeps them.

export class DeviceFlags {
  /** dev->promiscuity: IFF_PROMISC is set while it is above 0 (__dev_set_promiscuity). */
  promiscuity = 0;
  /** dev->allmulti: IFF_ALLMULTI is set while it is above 0 (__dev_set_allmulti). */
  allmulti = 0;
  /** dev->gflags & IFF_PROMISC: the user flag holds exactly one count. */
  private gflagPromisc = false;
  /** dev->gflags & IFF_ALLMULTI. */
  private gflagAllmulti = false;

  get promisc(): boolean {
    return this.promiscuity > 0;
  }

  get allmultiOn(): boolean {
    return this.allmulti > 0;
  }

  /** __dev_change_flags: only a change of the user flag moves the counter. Returns whether it moved. */
  setUserPromisc(on: boolean): boolean {
    if (on === this.gflagPromisc) return false;
    this.gflagPromisc = on;
    this.promiscuity += on ? 1 : -1;
    return true;
  }

  /** __dev_change_flags → __dev_set_allmulti(dev, ±1). Returns whether the counter moved. */
  setUserAllmulti(on: boolean): boolean {
    if (on === this.gflagAllmulti) return false;
    this.gflagAllmulti = on;
    this.allmulti += on ? 1 : -1;
    return true;
  }

  /** dev_set_allmulti(dev, inc) from inside the kernel (a multicast-routing vif, net/ipv4/ipmr.c vif_add): no user flag involved. */
  changeAllmulti(inc: number): void {
    this.allmulti += inc;
  }
}
