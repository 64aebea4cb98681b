// Plain JSON values: the ground type that every layer may show (NIC state, simulate output, files).
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };
