// promiscuity / allmulti counters and the user flag (net/core/dev.c __dev_change_flags).
import { describe, expect, it } from 'vitest';
import { DeviceFlags } from '../../src/netdev/flags.ts';

describe('DeviceFlags (net/core/dev.c)', () => {
  it('the user promisc flag holds exactly one count: on twice is 1, off twice is 0', () => {
    const f = new DeviceFlags();
    expect(f.setUserPromisc(true)).toBe(true);
    expect(f.setUserPromisc(true)).toBe(false);
    expect(f.promiscuity).toBe(1);
    expect(f.promisc).toBe(true);
    expect(f.setUserPromisc(false)).toBe(true);
    expect(f.setUserPromisc(false)).toBe(false);
    expect(f.promiscuity).toBe(0);
    expect(f.promisc).toBe(false);
  });

  it('allmulti likewise, independent of promisc', () => {
    const f = new DeviceFlags();
    f.setUserAllmulti(true);
    f.setUserAllmulti(true);
    expect(f.allmulti).toBe(1);
    expect(f.promiscuity).toBe(0);
    f.setUserAllmulti(false);
    expect(f.allmulti).toBe(0);
    expect(f.allmultiOn).toBe(false);
  });

  it('turning a flag off that was never on does not go negative', () => {
    const f = new DeviceFlags();
    expect(f.setUserPromisc(false)).toBe(false);
    expect(f.setUserAllmulti(false)).toBe(false);
    expect(f.promiscuity).toBe(0);
    expect(f.allmulti).toBe(0);
  });
});
