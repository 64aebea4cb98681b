// A fold over the tail of a list that a NIC is programmed with again and again (ndo_set_rx_mode
// gets the whole device list on every change). When the new list is the previous one with
// items appended (a run of `ip maddr add`, or joins), only the new items are folded in; any
// other change folds from scratch, so the result is always the plain fold's. Items are
// compared with === (for MAC strings: by value). Per program this costs one comparison per
// item already folded instead of one step (a CRC) per item.
export class AppendFold<T, A> {
  private list: readonly T[] = [];
  private from = 0;
  private acc: A;

  constructor(
    private readonly empty: A,
    private readonly step: (acc: A, item: T) => A,
  ) {
    this.acc = empty;
  }

  /** step folded over list[from..], starting from `empty`. */
  fold(list: readonly T[], from: number): A {
    const before = Math.max(0, this.list.length - this.from);
    const length = Math.max(0, list.length - from);
    let extends_ = length >= before;
    for (let i = 0; extends_ && i < before; i++) extends_ = list[from + i] === this.list[this.from + i];
    let acc = extends_ ? this.acc : this.empty;
    for (let i = extends_ ? before : 0; i < length; i++) acc = this.step(acc, list[from + i] as T);
    this.list = list;
    this.from = from;
    this.acc = acc;
    return acc;
  }
}
