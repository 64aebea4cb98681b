// The base of the built-in filters: the lookup is acceptKey on a MAC's two halves
// (src/wire/mac-key.ts), and accept(dst: Mac), the NicFilter interface's facade, splits the
// destination once and asks it.
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { macHi, macLo } from '../wire/mac-key.ts';
import type { NicFilter, ProgramResult, RxMode } from './filter.ts';

export abstract class KeyedFilter implements NicFilter {
  abstract program(mode: RxMode): ProgramResult;
  /** The hardware's decision for a destination given as its key: hi = octets 0..1, lo = octets 2..5 as int32. Pure. */
  abstract acceptKey(hi: number, lo: number): boolean;
  abstract state(): JsonValue;

  accept(dst: Mac): boolean {
    return this.acceptKey(macHi(dst), macLo(dst));
  }
}
