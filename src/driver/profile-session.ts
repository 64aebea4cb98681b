// A built-in profile answering the driver protocol in process: the reference driver for its
// model. Run through the contract it proves the contract's generic rules hold for every catalog
// model (a rule a real chip breaks would fail correct drivers), and with a fault injected while
// the hello still names the clean model it stands for a wrong driver the contract must catch.
import type { FaultSet } from '../faults.ts';
import type { NicFilter, NicProfile } from '../nic/filter.ts';
import {
  type AnswerFor,
  type DriverAnswer,
  DriverError,
  type DriverRequest,
  DRIVER_PROTOCOL_BASE,
  DRIVER_PROTOCOL_VERSION,
  DRIVER_PROTOCOL_VERSIONS,
  type HelloAnswer,
  encodeRequest,
} from './protocol.ts';
import type { DriverSession, Exchange } from './session.ts';

export class ProfileSession implements DriverSession {
  readonly hello: HelloAnswer;
  readonly helloExchange: Exchange;
  private log: Exchange[] = [];
  private filter: NicFilter | null = null;

  /** `claims`: the model the hello names (default: the profile itself). */
  constructor(
    private readonly profile: NicProfile,
    private readonly faults: FaultSet,
    claims: string = profile.name,
  ) {
    // The reference driver speaks the newest version: it takes `uc` where its model shares the table.
    this.hello = { name: `profile ${profile.name}`, model: claims, order: 'set', protocol: DRIVER_PROTOCOL_VERSION };
    this.helloExchange = { request: encodeRequest({ op: 'hello', protocol: DRIVER_PROTOCOL_BASE, versions: DRIVER_PROTOCOL_VERSIONS }), answer: JSON.stringify(this.hello) };
  }

  get transcript(): readonly Exchange[] {
    return this.log;
  }

  clearTranscript(): void {
    this.log = [];
  }

  private answer(req: DriverRequest): DriverAnswer {
    switch (req.op) {
      case 'hello':
        return this.hello;
      case 'reset':
        this.filter = this.profile.create(req.mac, this.faults);
        return { ok: true };
      case 'program': {
        if (!this.filter) throw new DriverError('protocol', encodeRequest(req), 'program before reset');
        const r = this.filter.program({ promisc: req.promisc, allmulti: req.allmulti, mc: req.mc, ...(req.uc ? { uc: req.uc } : {}) });
        return r.ok ? { ok: true } : { ok: false, error: r.error };
      }
      case 'rx':
        if (!this.filter) throw new DriverError('protocol', encodeRequest(req), 'rx before reset');
        return { accept: this.filter.accept(req.dst) };
    }
  }

  async request<R extends DriverRequest>(req: R): Promise<AnswerFor<R>> {
    const a = this.answer(req);
    this.log.push({ request: encodeRequest(req), answer: JSON.stringify(a) });
    return a as AnswerFor<R>;
  }

  async requestAll(reqs: readonly DriverRequest[], onAnswer: (index: number, answer: DriverAnswer) => void): Promise<void> {
    for (let i = 0; i < reqs.length; i++) onAnswer(i, await this.request(reqs[i] as DriverRequest));
  }

  async close(): Promise<void> {
    this.filter = null;
  }
}
