// The base of the built-in filters: the lookup is acceptKey on a packed MAC (src/wire/mac-key.ts),
// and accept(dst: Mac), the NicFilter interface's facade, packs the destination once and asks it.
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { type MacKey, macKey } from '../wire/mac-key.ts';
import type { NicFilter, ProgramResult, RxMode } from './filter.ts';

export abstract class KeyedFilter implements NicFilter {
  abstract program(mode: RxMode): ProgramResult;
  /** The hardware's decision for a destination given as its key. Pure. */
  abstract acceptKey(dst: MacKey): boolean;
  abstract state(): JsonValue;

  accept(dst: Mac): boolean {
    return this.acceptKey(macKey(dst));
  }
}
