// Frames on the guest NIC's wire and the agent's verdict on each. QEMU's rtl8139 resets its
// receive ring on an RxConfig write and e100 now and then loses a frame after a mode change, so
// before each probe the host resynchronises (marker frames until one comes through), and a
// probe that did not arrive although its marker did is sent again before it is called dropped.
// A resend can only turn a lost frame into an accepted one if the NIC accepts it: a frame the
// filter drops is dropped every time.
import { type Mac, BROADCAST_MAC } from '../wire/mac.ts';
import { rawFrame } from '../sys/frames.ts';
import { GuestError } from './errors.ts';
import type { Guest } from './qemu.ts';

/** The sender's MAC on the wire (locally administered; never a scenario's: those start 02:00). */
export const WIRE_PEER_MAC = '02:6d:74:62:00:01' as Mac;
/** A probe's frame tag (src/guest/agent/agent.c FRAME_TAG) and the marker's. */
export const FRAME_TAG = 'mtb-frame:';
const MARK_TAG = 'mtb-mark:';
/** ETH_ZLEN (include/uapi/linux/if_ether.h): frames are padded as a real sender's MAC would. */
const ETH_ZLEN = 60;
/** How long the agent waits for a marker before saying it did not come. */
const MARK_WAIT_MS = 250;
/** Marker frames sent before the guest is declared deaf (about 25 s of MARK_WAIT_MS). */
const RESYNC_ATTEMPTS = 100;
/** Times a probe is sent with its marker arriving and the probe not, before it counts as dropped. */
export const PROBE_SENDS = 3;

export interface ProbeVerdict {
  readonly nic: boolean;
  readonly sockets: readonly string[];
  /** Sends it took (1 unless a frame was lost or resent). */
  readonly sends: number;
}

function padded(frame: Buffer): Buffer {
  return frame.length >= ETH_ZLEN ? frame : Buffer.concat([frame, Buffer.alloc(ETH_ZLEN - frame.length)]);
}

interface ProbeAnswer {
  readonly marked: boolean;
  readonly frames: readonly string[];
  readonly datagrams: readonly { socket: string; id: string }[];
}

/** "ok MARKED f:ID ... s:SOCKET/ID ..." (agent.c cmd_probe). */
export function parseProbeAnswer(answer: string): ProbeAnswer {
  const [marked, ...tags] = answer.split(' ').filter((t) => t !== '');
  const frames: string[] = [];
  const datagrams: { socket: string; id: string }[] = [];
  for (const t of tags) {
    if (t.startsWith('f:')) frames.push(t.slice(2));
    else if (t.startsWith('s:')) {
      const slash = t.indexOf('/');
      datagrams.push({ socket: t.slice(2, slash), id: t.slice(slash + 1) });
    }
  }
  return { marked: marked === '1', frames, datagrams };
}

export class Wire {
  private seq = 0;
  /** Probes that needed more than one send, and resyncs that needed more than one marker. */
  resends = 0;
  extraMarkers = 0;

  /** The wire of NIC `nic` (its index in QEMU's -device order); the agent's tap must see that NIC. */
  constructor(
    private readonly guest: Guest,
    private readonly nic = 0,
  ) {}

  private get name(): string {
    return this.guest.ifnames.length > 1 ? `NIC ${this.nic}` : this.guest.ifname;
  }

  private async sendMarked(frames: readonly Buffer[]): Promise<ProbeAnswer> {
    const mark = String(this.seq++);
    for (const f of frames) await this.guest.inject(padded(f), this.nic);
    await this.guest.inject(padded(rawFrame(BROADCAST_MAC, WIRE_PEER_MAC, Buffer.from(`${MARK_TAG}${mark}`))), this.nic);
    return parseProbeAnswer(await this.guest.command(`probe ${mark} ${MARK_WAIT_MS}`));
  }

  /** Marker frames until one comes through: the NIC is programmed and receiving. */
  async resync(): Promise<void> {
    for (let k = 0; k < RESYNC_ATTEMPTS; k++) {
      if ((await this.sendMarked([])).marked) return;
      this.extraMarkers++;
    }
    throw new GuestError(`guest ${this.name}: no broadcast marker frame came through the NIC in ${RESYNC_ATTEMPTS} tries`);
  }

  /** Sends `frame` tagged `id` and reports whether the NIC accepted it and which sockets got it. */
  async probe(frame: Buffer, id: string): Promise<ProbeVerdict> {
    await this.resync();
    const sockets = new Set<string>();
    let marked = 0;
    for (let sends = 1; sends <= PROBE_SENDS * 4; sends++) {
      const a = await this.sendMarked([frame]);
      for (const d of a.datagrams) if (d.id === id) sockets.add(d.socket);
      if (a.frames.includes(id)) return { nic: true, sockets: [...sockets].sort(), sends };
      if (a.marked) marked++;
      else await this.resync();
      if (marked >= PROBE_SENDS) return { nic: false, sockets: [...sockets].sort(), sends };
      this.resends++;
    }
    throw new GuestError(`guest ${this.name}: probe ${id}: its marker was lost ${PROBE_SENDS * 4 - marked} times`);
  }
}
