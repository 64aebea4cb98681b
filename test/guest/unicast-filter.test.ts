// IFF_UNICAST_FLT in the guest: an up macvlan puts its MAC into its lower's dev->uc. A driver with
// the flag (NicProfile.unicastFilter) programs it into the NIC's unicast filter and the lower
// stays out of promiscuous mode; one without it holds the lower promiscuous (net/core/dev.c
// __dev_set_rx_mode). Per NIC: the promiscuity count, a frame to the macvlan's MAC (accepted
// either way) and a frame to an unrelated unicast MAC (accepted only when promiscuous), judged
// against the profile's declared flag. Two NICs by default (one of each kind); MTB_GUEST_UCFLT_NICS
// names others (comma-separated) or `all`.
import { afterAll, describe, expect, it } from 'vitest';
import { GUEST_IP } from '../../src/guest/iproute2.ts';
import { GUEST_NICS, guestNic } from '../../src/guest/nics.ts';
import { FRAME_TAG, WIRE_PEER_MAC, Wire } from '../../src/guest/probe.ts';
import { Guest } from '../../src/guest/qemu.ts';
import { guestUnavailable } from '../../src/guest/requirements.ts';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { rawFrame } from '../../src/sys/frames.ts';
import { parseMac } from '../../src/wire/mac.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const skipReason = guestUnavailable();
if (skipReason !== null) console.warn(`SKIP guest unicast filter: ${skipReason}`);

const chosen = process.env['MTB_GUEST_UCFLT_NICS'] ?? 'e1000,pcnet';
const NICS = chosen === 'all' ? GUEST_NICS.filter((n) => n.profile !== null).map((n) => n.name) : chosen.split(',');
const MACVLAN_MAC = '02:00:00:00:77:01';
const OTHER_UNICAST = '02:99:88:77:66:55';

const guests: Guest[] = [];
afterAll(async () => {
  for (const g of guests.splice(0)) await g.dispose();
});

describe.skipIf(skipReason !== null)('guest: an up macvlan and its lower\'s unicast filter (IFF_UNICAST_FLT)', () => {
  it.each(NICS)('%s: the lower is promiscuous exactly when its profile does not filter unicast', async (name) => {
    const nic = guestNic(name);
    expect(nic?.profile, `no profile for guest NIC ${name}`).toBeTruthy();
    const filters = resolveProfile(nic!.profile!).unicastFilter === true;
    const g = await Guest.boot({ device: nic!.device, modules: [...nic!.modules, 'macvlan'], mac: '52:54:00:12:34:56', iproute2: true });
    guests.push(g);
    const ifn = g.ifname;
    await g.command(`tap ${ifn}`); // throws on "fail ..."
    expect(await g.command(`flag ${ifn} up 1`)).toBe('-');
    const made = await g.command(`sh ${GUEST_IP} link add link ${ifn} name mv0 address ${MACVLAN_MAC} type macvlan mode bridge && ${GUEST_IP} link set mv0 up`);
    expect(made, 'creating the macvlan').toBe('0');
    const [promisc] = (await g.command(`counters ${ifn}`)).split(' ').map(Number);
    expect(promisc, `${name}: promiscuity of the lower with an up macvlan`).toBe(filters ? 0 : 1);
    const wire = new Wire(g);
    const probe = async (dst: string, id: string): Promise<boolean> =>
      (await wire.probe(rawFrame(parseMac(dst), WIRE_PEER_MAC, Buffer.from(`${FRAME_TAG}${id}`)), id)).nic;
    expect(await probe(MACVLAN_MAC, 'mv'), `${name}: a frame to the macvlan's MAC`).toBe(true);
    expect(await probe(OTHER_UNICAST, 'other'), `${name}: a frame to another unicast MAC`).toBe(!filters);
  }, HANG_BOUND_MS);
});

// How many secondary unicast addresses the NIC's RARs hold before the driver sets UPE: 14 on the
// 82574L (e1000e/82571.c rar_entry_count E1000_RAR_ENTRIES 15, RAR0 the station;
// netdev.c e1000e_write_uc_addr_list answers -ENOMEM past them). ixgbe, the stand-in the guest
// used before e1000e had its own profile, would hold 127. Hand-written expectation, checked on
// both the real driver in the guest and the model.
const RAR_LIMITS: readonly { nic: string; ucRars: number }[] = [{ nic: 'e1000e', ucRars: 14 }];

describe.skipIf(skipReason !== null)('guest: secondary unicast past the receive address registers sets unicast promiscuous', () => {
  it.each(RAR_LIMITS)('$nic: $ucRars macvlans fit, one more makes the NIC accept every unicast frame', async ({ nic: name, ucRars }) => {
    const nic = guestNic(name);
    expect(nic?.profile, `no profile for guest NIC ${name}`).toBeTruthy();
    const mv = (i: number): string => `02:00:00:00:78:${(i + 1).toString(16).padStart(2, '0')}`;
    // The model first: the same uc lists straight into the profile's filter.
    const model = resolveProfile(nic!.profile!).create(parseMac('52:54:00:12:34:56'), new Set());
    const modelAccepts = (n: number): boolean => {
      model.program({ promisc: false, allmulti: false, mc: [], uc: Array.from({ length: n }, (_, i) => parseMac(mv(i))) });
      return model.accept(parseMac(OTHER_UNICAST));
    };
    expect([modelAccepts(ucRars), modelAccepts(ucRars + 1)], `${name}: the model`).toEqual([false, true]);
    const g = await Guest.boot({ device: nic!.device, modules: [...nic!.modules, 'macvlan'], mac: '52:54:00:12:34:56', iproute2: true });
    guests.push(g);
    const ifn = g.ifname;
    await g.command(`tap ${ifn}`);
    expect(await g.command(`flag ${ifn} up 1`)).toBe('-');
    const wire = new Wire(g);
    const probe = async (dst: string, id: string): Promise<boolean> =>
      (await wire.probe(rawFrame(parseMac(dst), WIRE_PEER_MAC, Buffer.from(`${FRAME_TAG}${id}`)), id)).nic;
    const add = (i: number): string => `${GUEST_IP} link add link ${ifn} name mv${i} address ${mv(i)} type macvlan mode bridge && ${GUEST_IP} link set mv${i} up`;
    const first = Array.from({ length: ucRars }, (_, i) => add(i)).join(' && ');
    expect(await g.command(`sh ${first}`), `creating ${ucRars} macvlans`).toBe('0');
    expect(await probe(mv(ucRars - 1), 'last'), `${name}: a frame to the last macvlan's MAC`).toBe(true);
    expect(await probe(OTHER_UNICAST, 'other-fits'), `${name}: another unicast MAC with ${ucRars} macvlans`).toBe(false);
    expect(await g.command(`sh ${add(ucRars)}`), 'creating one more').toBe('0');
    expect(await probe(OTHER_UNICAST, 'other-over'), `${name}: another unicast MAC with ${ucRars + 1} macvlans`).toBe(true);
    const [promisc] = (await g.command(`counters ${ifn}`)).split(' ').map(Number);
    expect(promisc, `${name}: UPE is the driver's, not the promiscuity count`).toBe(0);
  }, HANG_BOUND_MS);
});
