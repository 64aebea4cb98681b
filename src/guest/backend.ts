// The guest as a live-differential backend (src/live/backend.ts): a scenario's interfaces are
// the guest's NICs, one or two of one model (renamed, readdressed and re-MACed between
// scenarios, one boot for many scenarios); its steps run in the guest through the agent, each
// interface's frames come in on its NIC's wire, and the result has the kernel runner's shape
// (src/kernel/runner.ts).
import { fillMacs } from '../scenario/fill.ts';
import { InputError, type Errno } from '../errors.ts';
import { ipv6SettledOn, parseDevMcast, parseProcIgmp, parseProcIgmp6 } from '../kernel/proc-net.ts';
import { udpFrame, rawFrame } from '../sys/frames.ts';
import type { Blindness, LiveBackend } from '../live/backend.ts';
import type { Delivery, InterfaceResult, InterfaceSpec, Scenario, SimulateResult, Step, StepResult } from '../scenario/types.ts';
import { parseIp } from '../wire/ip.ts';
import { BROADCAST_MAC, type Mac, compareMac, isMulticastMac, parseMac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import { GUEST_KERNEL_RELEASE } from './cache.ts';
import { GuestError } from './errors.ts';
import { type GuestNic, guestNic, GUEST_NICS } from './nics.ts';
import { type GuestPort, guestInterfaces, resetScript } from './ports.ts';
import { FRAME_TAG, WIRE_PEER_MAC, Wire } from './probe.ts';
import { Guest, MAX_GUEST_NICS } from './qemu.ts';

/** The payload prefix of a scenario datagram (src/kernel/socket-steps.ts DATAGRAM_TAG; agent.c DGRAM_TAG). */
const DATAGRAM_TAG = 'mtb-dgram:';
/** IPv6 setup after link up (carrier, link-local, solicited-node joins); a hang guard. */
const SETTLE_TIMEOUT_MS = 30_000;
const SETTLE_POLL_MS = 20;
/** Unbinding and binding a driver (e1000 reads its EEPROM bit by bit: seconds under TCG); a hang guard. */
const REBIND_TIMEOUT_MS = 180_000;
/** SIOCDELMULTI of a static entry `ip maddr add` left, repeated until the kernel says ENOENT. */
const MADDR_DELETES = 4;

export interface GuestBackendOptions {
  readonly log?: (line: string) => void;
  readonly accel?: 'kvm' | 'tcg';
  /** NICs to boot (1 or 2, default 1): scenarios may then have that many interfaces. */
  readonly nics?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errnoOf(answer: string): Errno | null {
  return answer === '-' ? null : (answer as Errno);
}

/** The scenario's one interface, checked for a one-NIC guest (ports.ts guestInterfaces). */
export function guestInterface(scenario: Scenario): InterfaceSpec {
  return guestInterfaces(scenario, 1)[0]!;
}

/** QEMU's MTA vector of a destination (hw/net/e1000x_common.c): octets 5:4 as one number, shifted right by `shift`, 12 bits. */
export function qemuMtaVector(mac: string, shift: number): number {
  const octets = mac.split(':').map((h) => parseInt(h, 16));
  return ((((octets[5] ?? 0) << 8) | (octets[4] ?? 0)) >> shift) & 0xfff;
}

export class GuestBackend implements LiveBackend {
  readonly label: string;
  readonly profile: string;
  readonly blind: Blindness;
  readonly observer = 'guest';
  readonly deletesLinks = false;
  /** The scenario's interfaces by name, each on its NIC (set by reset). */
  private byName = new Map<string, GuestPort>();
  /** The last scenario's probed frames ("IFACE MAC") whose verdict the NIC cannot show, with why (GuestNic.blindBetween, unicastMtaBlind). */
  private readonly unobservableMacs = new Map<string, string>();
  private disposed = false;

  private constructor(
    readonly nic: GuestNic,
    readonly guest: Guest,
    private readonly ports: readonly GuestPort[],
  ) {
    const two = ports.length > 1 ? `${ports.length} NICs ` : '';
    this.label = `guest ${nic.name} (${two}QEMU ${nic.device}, Linux ${GUEST_KERNEL_RELEASE})`;
    this.profile = nic.profile ?? 'accept-all';
    // The NIC's registers are QEMU's; the order of dev->mc depends on when addrconf's work ran.
    const { blindBetween, unicastBlind, unicastMtaBlind } = nic;
    const unobservable = (iface: string, mac: string): string | null => {
      if (unicastBlind !== undefined && !isMulticastMac(parseMac(mac))) return unicastBlind;
      return this.unobservableMacs.get(`${iface} ${mac}`) ?? null;
    };
    this.blind = { nicState: true, listOrder: true, ...(blindBetween || unicastBlind || unicastMtaBlind ? { unobservable } : {}) };
  }

  /** Boots a guest with `options.nics` NICs of model `name` (GUEST_NICS). */
  static async create(name: string, options: GuestBackendOptions = {}): Promise<GuestBackend> {
    const nic = guestNic(name);
    if (!nic) throw new InputError('--nic', `unknown guest NIC ${JSON.stringify(name)} (known: ${GUEST_NICS.map((n) => n.name).join(', ')})`);
    const nics = options.nics ?? 1;
    if (!Number.isInteger(nics) || nics < 1 || nics > MAX_GUEST_NICS) throw new InputError('--nics', `a guest has 1 to ${MAX_GUEST_NICS} NICs, not ${nics}`);
    const guest = await Guest.boot({ device: nic.device, modules: nic.modules, mac: '52:54:00:12:34:56', ...options, nics });
    try {
      // Each NIC's device in sysfs: a driver rebind gives the NIC a new name, found again under it.
      const names = guest.ifnames;
      const [, listed] = await guest.commands([`sh for n in ${names.join(' ')}; do readlink -f /sys/class/net/$n/device; done > /tmp/mtb-devices`, 'cat /tmp/mtb-devices']);
      const devices = listed!.data.filter((l) => l !== '');
      if (devices.length !== names.length || devices.some((p) => !/^\/sys\/devices\/[A-Za-z0-9_:./-]+$/.test(p))) {
        throw new GuestError(`guest ${nic.name}: the NICs' devices in sysfs: ${JSON.stringify(listed!.data)}`);
      }
      const ports = names.map((ifname, index): GuestPort => ({ index, device: devices[index]!, ifname, ipv6Disabled: false, maddrs: new Set(), wire: new Wire(guest, index) }));
      return new GuestBackend(nic, guest, ports);
    } catch (e) {
      await guest.dispose();
      throw e;
    }
  }

  /** Frames resent after a loss and extra markers needed, since boot (docs/guest.md). */
  get losses(): { resends: number; extraMarkers: number } {
    return {
      resends: this.ports.reduce((n, p) => n + p.wire.resends, 0),
      extraMarkers: this.ports.reduce((n, p) => n + p.wire.extraMarkers, 0),
    };
  }

  async run(scenario: Scenario): Promise<SimulateResult> {
    if (this.disposed) throw new GuestError('guest backend already disposed');
    const specs = guestInterfaces(scenario, this.ports.length);
    this.unobservableMacs.clear();
    await this.reset(specs);
    const steps: StepResult[] = [];
    const deliveries: Record<string, Delivery> = {};
    // A step is one agent command, or several (a fill: one `maddr add` each): its error is the first.
    let batch: { index: number; step: Step; cmds: readonly string[] }[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const answers = await this.guest.commands(batch.flatMap((b) => b.cmds));
      let k = 0;
      for (const b of batch) {
        const errors = b.cmds.map(() => errnoOf(answers[k++]!.answer));
        steps[b.index] = { op: b.step.op, error: errors.find((e) => e !== null) ?? null };
      }
      batch = [];
    };
    const all = scenario.steps as readonly Step[];
    for (const [i, step] of all.entries()) {
      if (step.op === 'send' || step.op === 'frame' || step.op === 'link') {
        await flush();
        steps[i] = { op: step.op, error: await this.special(step, i, deliveries) };
      } else if (step.op === 'fill') {
        const port = this.iface(step.iface, `/steps/${i}/iface`);
        const macs = fillMacs(step);
        for (const mac of macs) port.maddrs.add(mac);
        batch.push({ index: i, step, cmds: macs.map((mac) => `maddr ${port.ifname} ${mac} add`) });
      } else batch.push({ index: i, step, cmds: [this.command(step, i)] });
    }
    await flush();
    const interfaces: Record<string, InterfaceResult> = {};
    for (const spec of specs) interfaces[spec.name] = await this.readInterface(spec.name);
    return { steps, interfaces, deliveries };
  }

  private iface(name: string, where: string): GuestPort {
    const port = this.byName.get(name);
    if (port === undefined) throw new InputError(where, `unknown interface ${JSON.stringify(name)}`);
    return port;
  }

  /** The agent command of a socket or device step (agent.c; src/kernel/socket-steps.ts does the same on the host). */
  private command(step: Step, i: number): string {
    const where = `/steps/${i}`;
    switch (step.op) {
      case 'open':
        parseIp(step.bind, `${where}/bind`);
        return `open ${step.socket} ${step.family} ${step.bind} ${step.port}`;
      case 'join': {
        parseIp(step.group, `${where}/group`);
        const sources = (step.sources ?? []).map((s, k) => parseIp(s, `${where}/sources/${k}`).text);
        return `join ${step.socket} ${this.iface(step.iface, `${where}/iface`).ifname} ${step.group} ${step.mode ?? 'any'} ${sources.length > 0 ? sources.join(',') : '-'}`;
      }
      case 'leave':
        parseIp(step.group, `${where}/group`);
        return `leave ${step.socket} ${this.iface(step.iface, `${where}/iface`).ifname} ${step.group}`;
      case 'close':
        return `close ${step.socket}`;
      case 'maddr': {
        const mac = parseMac(step.mac, `${where}/mac`);
        const port = this.iface(step.iface, `${where}/iface`);
        if (step.add) port.maddrs.add(mac);
        return `maddr ${port.ifname} ${mac} ${step.add ? 'add' : 'del'}`;
      }
      case 'promisc':
      case 'allmulti':
        return `flag ${this.iface(step.iface, `${where}/iface`).ifname} ${step.op} ${step.on ? 1 : 0}`;
      case 'link-del':
        throw new InputError(`${where}/op`, "the guest's NICs are its interfaces: they cannot be deleted");
      default:
        throw new GuestError(`step ${i} (${step.op}) is not a batched step`);
    }
  }

  private async special(step: Step, i: number, deliveries: Record<string, Delivery>): Promise<Errno | null> {
    const where = `/steps/${i}`;
    switch (step.op) {
      case 'send': {
        const port = this.iface(step.iface, `${where}/iface`);
        const src = parseIp(step.src, `${where}/src`);
        const dst = parseIp(step.dst, `${where}/dst`);
        await this.noteBlindness(port.ifname, groupMac(dst));
        const frame = udpFrame(groupMac(dst), WIRE_PEER_MAC, src, dst, step.port, Buffer.from(`${DATAGRAM_TAG}${step.id}`));
        const v = await port.wire.probe(frame, step.id);
        deliveries[step.id] = { nic: v.nic, sockets: [...v.sockets] };
        return null;
      }
      case 'frame': {
        const port = this.iface(step.iface, `${where}/iface`);
        await this.noteBlindness(port.ifname, parseMac(step.dst, `${where}/dst`));
        const v = await port.wire.probe(rawFrame(parseMac(step.dst, `${where}/dst`), WIRE_PEER_MAC, Buffer.from(`${FRAME_TAG}${step.id}`)), step.id);
        deliveries[step.id] = { nic: v.nic, sockets: [] };
        return null;
      }
      case 'link': {
        const port = this.iface(step.iface, `${where}/iface`);
        const e = errnoOf(await this.guest.command(`flag ${port.ifname} up ${step.up ? 1 : 0}`));
        if (e === null && step.up && !port.ipv6Disabled) await this.settleIpv6(port.ifname, []);
        return e;
      }
      default:
        throw new GuestError(`step ${i} (${step.op}) is a batched step`);
    }
  }

  /**
   * Brings the NICs to fresh interfaces of `specs` (the first NIC the first interface), as the
   * kernel runner creates fresh veths; a NIC no interface takes is left down under a spare name.
   * Sockets are closed and each NIC cleaned (static entries deleted, user flags off, down: its
   * IPv6 addresses go, addrconf_ifdown); ports.ts resetScript rebinds, flushes, renames and
   * re-MACs. Then the packet tap on every NIC, and each interface up with its addresses.
   */
  private async reset(specs: readonly InterfaceSpec[]): Promise<void> {
    const cmds = ['reset'];
    for (const port of this.ports) {
      for (const m of port.maddrs) for (let k = 0; k < MADDR_DELETES; k++) cmds.push(`maddr ${port.ifname} ${m} del`);
      port.maddrs.clear();
      cmds.push(`flag ${port.ifname} promisc 0`, `flag ${port.ifname} allmulti 0`, `flag ${port.ifname} up 0`);
    }
    const plan = resetScript(this.ports, specs);
    cmds.push(`sh ${plan.script}`);
    const answers = await this.guest.commands(cmds, REBIND_TIMEOUT_MS);
    const rc = answers[answers.length - 1]!.answer;
    if (rc !== '0') {
      const what = plan.failures.get(rc) ?? `exit ${rc}`;
      this.byName.clear();
      throw new GuestError(`guest ${this.nic.name}: reset failed ${what} (console: ${this.guest.consoleLog.trim().split('\n').slice(-2).join(' / ')})`);
    }
    plan.commit();
    this.byName = new Map(specs.map((spec, k) => [spec.name, this.ports[k]!]));
    await this.guest.command('tap *');
    for (const [k, spec] of specs.entries()) {
      const up = await this.guest.command(`flag ${spec.name} up 1`);
      if (up !== '-') throw new GuestError(`guest: ${spec.name} up: ${up}`);
      const addrs = [...(spec.ipv4 ?? []), ...(spec.disableIpv6 ? [] : (spec.ipv6 ?? []))];
      if (addrs.length > 0) {
        const r = await this.guest.command(`sh ${addrs.map((a) => `ip addr add ${a} dev ${spec.name}`).join(' && ')}`);
        if (r !== '0') throw new GuestError(`guest: adding ${addrs.join(', ')} to ${spec.name} failed (exit ${r})`);
      }
      if (!this.ports[k]!.ipv6Disabled) await this.settleIpv6(spec.name, spec.ipv6 ?? []);
    }
  }

  /**
   * Remembers `mac` as unobservable on interface `name` (each NIC's list is its own) when the NIC is
   * blind to the device list's current size, or to a unicast destination its MTA would hash.
   */
  private async noteBlindness(name: string, mac: Mac): Promise<void> {
    const range = this.nic.blindBetween;
    const mta = this.nic.unicastMtaBlind;
    const unicast = !isMulticastMac(mac);
    if (mta && unicast) {
      const [dm] = await this.guest.commands(['cat /proc/net/dev_mcast']);
      const vectors = new Set(parseDevMcast(dm!.data.join('\n'), name).map((e) => qemuMtaVector(e.mac, mta.shift)));
      if (vectors.has(qemuMtaVector(mac, mta.shift))) this.unobservableMacs.set(`${name} ${mac}`, mta.reason);
      return;
    }
    if (!range || unicast || mac === BROADCAST_MAC) return;
    const [dm, counters] = await this.guest.commands(['cat /proc/net/dev_mcast', `counters ${name}`]);
    const n = parseDevMcast(dm!.data.join('\n'), name).length;
    const [promisc, allmulti] = counters!.answer.split(' ').map(Number) as [number, number];
    if (promisc === 0 && allmulti === 0 && n >= range.from && n <= range.to) this.unobservableMacs.set(`${name} ${mac}`, range.reason);
  }

  /** Waits until every IPv6 address is up with its solicited-node group joined (as the kernel runner does). */
  private async settleIpv6(name: string, ipv6: readonly string[]): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const [a, g] = await this.guest.commands(['cat /proc/net/if_inet6', 'cat /proc/net/igmp6']);
      if (ipv6SettledOn(name, ipv6, a!.data.join('\n'), g!.data.join('\n'))) return;
      if (Date.now() > deadline) throw new GuestError(`guest: IPv6 setup of ${name} did not settle in ${SETTLE_TIMEOUT_MS} ms (no carrier?)`);
      await sleep(SETTLE_POLL_MS);
    }
  }

  private async readInterface(name: string): Promise<InterfaceResult> {
    const [dm, igmp, igmp6, counters] = await this.guest.commands(['cat /proc/net/dev_mcast', 'cat /proc/net/igmp', 'cat /proc/net/igmp6', `counters ${name}`]);
    const list = parseDevMcast(dm!.data.join('\n'), name);
    const [promisc, allmulti] = counters!.answer.split(' ').map(Number) as [number, number];
    return {
      mc: [...list].sort((x, y) => compareMac(x.mac, y.mac)).map((e) => ({ mac: e.mac, users: e.users })),
      promisc,
      allmulti,
      nic: { guest: this.nic.device },
      global: list.filter((e) => e.global).map((e) => e.mac).sort(),
      groups: [...parseProcIgmp(igmp!.data.join('\n'), name), ...parseProcIgmp6(igmp6!.data.join('\n'), name)].sort((x, y) =>
        x.group < y.group ? -1 : x.group > y.group ? 1 : 0,
      ),
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.guest.dispose();
  }
}
