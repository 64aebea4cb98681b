// The part of static validation (docs/semantics.md "Static validation") that depends on the
// steps before a step: which socket ids are open, the family of each id's most recent open, and
// which send/frame ids were used. Generators and fc.commands consult it so that every step they
// emit is one validateScenario accepts.
import type { InterfaceSpec, SocketFamily, Step } from '../scenario/types.ts';
import { type IpAddr, parseIp } from '../wire/ip.ts';

export interface SocketRecord {
  /** Family of the socket id's most recent `open`. */
  readonly family: SocketFamily;
  readonly open: boolean;
}

function ipFamily(text: string): SocketFamily | null {
  try {
    const ip: IpAddr = parseIp(text);
    return ip.family;
  } catch {
    return null;
  }
}

/** Socket and event-id state of a step list, advanced one step at a time. */
export class StepValidity {
  readonly sockets = new Map<string, SocketRecord>();
  readonly eventIds = new Set<string>();
  /** Interfaces a link-del step deleted (a lower's macvlans with it): only join and leave may name them. */
  readonly gone = new Set<string>();

  /** `interfaces`: the scenario's, so that deleting a lower also deletes its macvlans. */
  constructor(private readonly interfaces: readonly InterfaceSpec[] = []) {}

  /** Would `step`, appended now, pass the order-dependent static validation rules? */
  accepts(step: Step): boolean {
    if ('iface' in step && this.gone.has(step.iface) && step.op !== 'join' && step.op !== 'leave') return false;
    switch (step.op) {
      case 'open':
        return this.sockets.get(step.socket)?.open !== true;
      case 'join':
      case 'leave': {
        // A socket id never opened gives EBADF (a result); one whose most recent open had the
        // other family is a static error.
        const rec = this.sockets.get(step.socket);
        const fam = ipFamily(step.group);
        if (rec === undefined || fam === null) return true;
        if (rec.family !== fam) return false;
        if (step.op === 'join' && step.sources !== undefined) {
          return step.sources.every((s) => ipFamily(s) === fam);
        }
        return true;
      }
      case 'send':
      case 'frame':
        return !this.eventIds.has(step.id);
      default:
        return true;
    }
  }

  /** Records the effect of an accepted step on the order-dependent state. */
  record(step: Step): void {
    switch (step.op) {
      case 'open':
        this.sockets.set(step.socket, { family: step.family, open: true });
        break;
      case 'close': {
        const rec = this.sockets.get(step.socket);
        if (rec) this.sockets.set(step.socket, { family: rec.family, open: false });
        break;
      }
      case 'send':
      case 'frame':
        this.eventIds.add(step.id);
        break;
      case 'link-del':
        this.gone.add(step.iface);
        for (const i of this.interfaces) if (i.kind === 'macvlan' && i.lower === step.iface) this.gone.add(i.name);
        break;
      default:
        break;
    }
  }

  /** Keeps the steps that are valid in order (what fc.modelRun runs: commands whose check passes). */
  static filter(steps: Iterable<Step>): Step[] {
    const v = new StepValidity();
    const out: Step[] = [];
    for (const s of steps) {
      if (v.accepts(s)) {
        v.record(s);
        out.push(s);
      }
    }
    return out;
  }
}
