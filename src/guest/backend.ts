// The guest as a live-differential backend (src/live/backend.ts): a scenario's one interface
// is the guest's NIC (renamed, readdressed and re-MACed between scenarios, one boot for many
// scenarios); its steps run in the guest through the agent, its frames come in on the NIC's
// wire, and the result has the kernel runner's shape (src/kernel/runner.ts).
import { fillMacs } from '../scenario/fill.ts';
import { InputError, type Errno } from '../errors.ts';
import { ipv6SettledOn, parseDevMcast, parseProcIgmp, parseProcIgmp6 } from '../kernel/proc-net.ts';
import { udpFrame, rawFrame } from '../sys/frames.ts';
import type { Blindness, LiveBackend } from '../live/backend.ts';
import type { Delivery, InterfaceResult, InterfaceSpec, Scenario, SimulateResult, Step, StepResult } from '../scenario/types.ts';
import { isRouteStep } from '../scenario/types.ts';
import { parseIp } from '../wire/ip.ts';
import { BROADCAST_MAC, type Mac, compareMac, isMulticastMac, parseMac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import { GUEST_KERNEL_RELEASE } from './cache.ts';
import { GuestError } from './errors.ts';
import { type GuestNic, guestNic, GUEST_NICS } from './nics.ts';
import { FRAME_TAG, WIRE_PEER_MAC, Wire } from './probe.ts';
import { Guest } from './qemu.ts';

/** The payload prefix of a scenario datagram (src/kernel/socket-steps.ts DATAGRAM_TAG; agent.c DGRAM_TAG). */
const DATAGRAM_TAG = 'mtb-dgram:';
/** What the agent's tags carry (agent.c note()): ids and socket names must be made of these. */
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** IFNAMSIZ - 1 characters (include/uapi/linux/if.h). */
const IFNAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
/** IPv6 setup after link up (carrier, link-local, solicited-node joins); a hang guard. */
const SETTLE_TIMEOUT_MS = 30_000;
const SETTLE_POLL_MS = 20;
/** Polls (50 ms of guest time each) for the NIC to come back after the driver is bound again. */
const REBIND_POLLS = 200;
/** Unbinding and binding a driver (e1000 reads its EEPROM bit by bit: seconds under TCG); a hang guard. */
const REBIND_TIMEOUT_MS = 180_000;
/** SIOCDELMULTI of a static entry `ip maddr add` left, repeated until the kernel says ENOENT. */
const MADDR_DELETES = 4;

export interface GuestBackendOptions {
  readonly log?: (line: string) => void;
  readonly accel?: 'kvm' | 'tcg';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errnoOf(answer: string): Errno | null {
  return answer === '-' ? null : (answer as Errno);
}

/** The scenario's interface, checked for what the guest can hold: one plain NIC, no routing. */
export function guestInterface(scenario: Scenario): InterfaceSpec {
  if (scenario.interfaces.length !== 1) throw new InputError('/interfaces', `the guest has one NIC; the scenario has ${scenario.interfaces.length} interfaces`);
  const spec = scenario.interfaces[0]!;
  if (spec.kind !== undefined) throw new InputError('/interfaces/0/kind', `the guest's NIC is a plain interface, not ${spec.kind}`);
  if (!IFNAME_PATTERN.test(spec.name) || spec.name === 'lo') throw new InputError('/interfaces/0/name', `interface name ${JSON.stringify(spec.name)} cannot be given to the guest's NIC`);
  parseMac(spec.mac, '/interfaces/0/mac');
  scenario.steps.forEach((s, i) => {
    if (isRouteStep(s)) throw new InputError(`/steps/${i}`, `a routing step (${s.op}): the guest runner runs receive-path steps only`);
    const ids: [string, string | undefined][] = [['socket', (s as { socket?: string }).socket], ['id', (s as { id?: string }).id]];
    for (const [field, v] of ids) {
      if (v !== undefined && !ID_PATTERN.test(v)) throw new InputError(`/steps/${i}/${field}`, `${JSON.stringify(v)}: the guest agent takes ${ID_PATTERN.source}`);
    }
  });
  return spec;
}

export class GuestBackend implements LiveBackend {
  readonly label: string;
  readonly profile: string;
  readonly blind: Blindness;
  readonly observer = 'guest';
  private ifname: string;
  /** The device's disable_ipv6 (0 at boot). */
  private ipv6Disabled = false;
  /** The last scenario's `ip maddr add`s: deleted before the next scenario. */
  private maddrs = new Set<string>();
  /** The last scenario's probed MACs whose verdict the NIC cannot show (GuestNic.blindBetween). */
  private readonly unobservableMacs = new Set<string>();
  private disposed = false;

  private constructor(
    readonly nic: GuestNic,
    readonly guest: Guest,
    private readonly wire: Wire,
  ) {
    this.label = `guest ${nic.name} (QEMU ${nic.device}, Linux ${GUEST_KERNEL_RELEASE})`;
    this.profile = nic.profile ?? 'accept-all';
    // The NIC's registers are QEMU's; the order of dev->mc depends on when addrconf's work ran.
    const { blindBetween, unicastBlind } = nic;
    const unobservable = (_iface: string, mac: string): string | null => {
      if (unicastBlind !== undefined && !isMulticastMac(parseMac(mac))) return unicastBlind;
      return blindBetween !== undefined && this.unobservableMacs.has(mac) ? blindBetween.reason : null;
    };
    this.blind = { nicState: true, listOrder: true, ...(blindBetween || unicastBlind ? { unobservable } : {}) };
    this.ifname = guest.ifname;
  }

  /** Boots a guest with NIC `name` (GUEST_NICS). */
  static async create(name: string, options: GuestBackendOptions = {}): Promise<GuestBackend> {
    const nic = guestNic(name);
    if (!nic) throw new InputError('--nic', `unknown guest NIC ${JSON.stringify(name)} (known: ${GUEST_NICS.map((n) => n.name).join(', ')})`);
    const guest = await Guest.boot({ device: nic.device, modules: nic.modules, mac: '52:54:00:12:34:56', ...options });
    return new GuestBackend(nic, guest, new Wire(guest));
  }

  /** Frames resent after a loss and extra markers needed, since boot (docs/guest.md). */
  get losses(): { resends: number; extraMarkers: number } {
    return { resends: this.wire.resends, extraMarkers: this.wire.extraMarkers };
  }

  async run(scenario: Scenario): Promise<SimulateResult> {
    if (this.disposed) throw new GuestError('guest backend already disposed');
    const spec = guestInterface(scenario);
    this.unobservableMacs.clear();
    await this.reset(spec);
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
        steps[i] = { op: step.op, error: await this.special(step, i, spec, deliveries) };
      } else if (step.op === 'fill') {
        const ifname = this.iface(step.iface, `/steps/${i}/iface`);
        const macs = fillMacs(step);
        for (const mac of macs) this.maddrs.add(mac);
        batch.push({ index: i, step, cmds: macs.map((mac) => `maddr ${ifname} ${mac} add`) });
      } else batch.push({ index: i, step, cmds: [this.command(step, i)] });
    }
    await flush();
    return { steps, interfaces: { [spec.name]: await this.readInterface(spec.name) }, deliveries };
  }

  private iface(name: string, where: string): string {
    if (name !== this.ifname) throw new InputError(where, `unknown interface ${JSON.stringify(name)}`);
    return name;
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
        return `join ${step.socket} ${this.iface(step.iface, `${where}/iface`)} ${step.group} ${step.mode ?? 'any'} ${sources.length > 0 ? sources.join(',') : '-'}`;
      }
      case 'leave':
        parseIp(step.group, `${where}/group`);
        return `leave ${step.socket} ${this.iface(step.iface, `${where}/iface`)} ${step.group}`;
      case 'close':
        return `close ${step.socket}`;
      case 'maddr': {
        const mac = parseMac(step.mac, `${where}/mac`);
        if (step.add) this.maddrs.add(mac);
        return `maddr ${this.iface(step.iface, `${where}/iface`)} ${mac} ${step.add ? 'add' : 'del'}`;
      }
      case 'promisc':
      case 'allmulti':
        return `flag ${this.iface(step.iface, `${where}/iface`)} ${step.op} ${step.on ? 1 : 0}`;
      case 'link-del':
        throw new InputError(`${where}/op`, "the guest's NIC is its only interface: it cannot be deleted");
      default:
        throw new GuestError(`step ${i} (${step.op}) is not a batched step`);
    }
  }

  private async special(step: Step, i: number, spec: InterfaceSpec, deliveries: Record<string, Delivery>): Promise<Errno | null> {
    const where = `/steps/${i}`;
    switch (step.op) {
      case 'send': {
        this.iface(step.iface, `${where}/iface`);
        const src = parseIp(step.src, `${where}/src`);
        const dst = parseIp(step.dst, `${where}/dst`);
        await this.noteBlindness(spec.name, groupMac(dst));
        const frame = udpFrame(groupMac(dst), WIRE_PEER_MAC, src, dst, step.port, Buffer.from(`${DATAGRAM_TAG}${step.id}`));
        const v = await this.wire.probe(frame, step.id);
        deliveries[step.id] = { nic: v.nic, sockets: [...v.sockets] };
        return null;
      }
      case 'frame': {
        this.iface(step.iface, `${where}/iface`);
        await this.noteBlindness(spec.name, parseMac(step.dst, `${where}/dst`));
        const v = await this.wire.probe(rawFrame(parseMac(step.dst, `${where}/dst`), WIRE_PEER_MAC, Buffer.from(`${FRAME_TAG}${step.id}`)), step.id);
        deliveries[step.id] = { nic: v.nic, sockets: [] };
        return null;
      }
      case 'link': {
        const e = errnoOf(await this.guest.command(`flag ${this.iface(step.iface, `${where}/iface`)} up ${step.up ? 1 : 0}`));
        if (e === null && step.up && !spec.disableIpv6) await this.settleIpv6(spec.name, []);
        return e;
      }
      default:
        throw new GuestError(`step ${i} (${step.op}) is a batched step`);
    }
  }

  /**
   * Brings the NIC to a fresh interface of `spec`, as the kernel runner creates a fresh veth.
   * Sockets are closed; then, if the scenario's disableIpv6 differs from the device's, the
   * driver is unbound and bound again (a new net_device copies the IPv6 defaults at register,
   * net/ipv6/addrconf.c ipv6_add_dev: disabling IPv6 on a live device would instead drop ff02::1
   * from dev->mc, addrconf_disable_ipv6 -> addrconf_ifdown), else the device is cleaned: static
   * entries deleted, user flags off, down (IPv6 addresses go: addrconf_ifdown), IPv4 flushed.
   * Renamed and re-MACed while down, then up with the scenario's addresses.
   */
  private async reset(spec: InterfaceSpec): Promise<void> {
    const mac = parseMac(spec.mac);
    const disable = spec.disableIpv6 === true;
    const cmds = ['reset'];
    const script: string[] = [];
    if (disable !== this.ipv6Disabled) {
      script.push(
        `echo ${disable ? 1 : 0} > /proc/sys/net/ipv6/conf/default/disable_ipv6`,
        `d=$(readlink -f /sys/class/net/${this.ifname}/device)`,
        'drv=$(readlink -f $d/driver)',
        '{ echo ${d##*/} > $drv/unbind && echo ${d##*/} > $drv/bind; } || exit 3',
        'nic=',
        `for i in $(seq ${REBIND_POLLS}); do for n in /sys/class/net/*; do n=\${n##*/}; [ "$n" != lo ] && nic=$n && break; done; [ -n "$nic" ] && break; sleep 0.05; done`,
        '[ -n "$nic" ] || exit 4',
      );
    } else {
      for (const m of this.maddrs) for (let k = 0; k < MADDR_DELETES; k++) cmds.push(`maddr ${this.ifname} ${m} del`);
      cmds.push(`flag ${this.ifname} promisc 0`, `flag ${this.ifname} allmulti 0`, `flag ${this.ifname} up 0`);
      script.push(`nic=${this.ifname}`, 'ip addr flush dev $nic');
    }
    this.maddrs.clear();
    script.push(`ip link set dev $nic address ${mac} || exit 5`, `if [ "$nic" != ${spec.name} ]; then ip link set dev $nic name ${spec.name} || exit 6; fi`);
    cmds.push(`sh ${script.join('; ')}`);
    const answers = await this.guest.commands(cmds, REBIND_TIMEOUT_MS);
    const rc = answers[answers.length - 1]!.answer;
    if (rc !== '0') {
      const what = { '3': 'rebinding the driver', '4': 'waiting for the NIC to come back', '5': `setting MAC ${mac}`, '6': `renaming to ${spec.name}` }[rc] ?? `exit ${rc}`;
      throw new GuestError(`guest ${this.nic.name}: reset failed ${what} (console: ${this.guest.consoleLog.trim().split('\n').slice(-2).join(' / ')})`);
    }
    this.ipv6Disabled = disable;
    this.ifname = spec.name;
    await this.guest.command(`tap ${spec.name}`);
    const up = await this.guest.command(`flag ${spec.name} up 1`);
    if (up !== '-') throw new GuestError(`guest: ${spec.name} up: ${up}`);
    const addrs = [...(spec.ipv4 ?? []), ...(spec.disableIpv6 ? [] : (spec.ipv6 ?? []))];
    if (addrs.length > 0) {
      const r = await this.guest.command(`sh ${addrs.map((a) => `ip addr add ${a} dev ${spec.name}`).join(' && ')}`);
      if (r !== '0') throw new GuestError(`guest: adding ${addrs.join(', ')} to ${spec.name} failed (exit ${r})`);
    }
    if (!spec.disableIpv6) await this.settleIpv6(spec.name, spec.ipv6 ?? []);
  }

  /** Remembers `mac` as unobservable when the NIC is blind to the device list's current size. */
  private async noteBlindness(name: string, mac: Mac): Promise<void> {
    const range = this.nic.blindBetween;
    if (!range || !isMulticastMac(mac) || mac === BROADCAST_MAC) return;
    const [dm, counters] = await this.guest.commands(['cat /proc/net/dev_mcast', `counters ${name}`]);
    const n = parseDevMcast(dm!.data.join('\n'), name).length;
    const [promisc, allmulti] = counters!.answer.split(' ').map(Number) as [number, number];
    if (promisc === 0 && allmulti === 0 && n >= range.from && n <= range.to) this.unobservableMacs.add(mac);
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
