// The module form of a driver, run in a worker thread (`mcast-testbench check --driver-module ./ldd3-ff.mjs`):
// an ES module exporting hello, reset, program and rx. Each receives the request object the
// process form would read as a line and returns (or resolves to) the answer object.
// This one is LDD3 ch. 17.14 ff_set_multicast_list with a 4-entry exact table: PROMISC -> all;
// ALLMULTI or more than 4 groups -> all multicast; otherwise exactly the listed groups.
const FF_TABLE_SIZE = 4;
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

const isMulticast = (mac) => (parseInt(mac.slice(0, 2), 16) & 1) === 1;

let nic = { own: BROADCAST, promisc: false, allmulti: false, table: [] };

export function hello() {
  return { name: 'ldd3-ff.mjs', model: `ldd3-ff:${FF_TABLE_SIZE}` };
}

export function reset({ mac }) {
  nic = { own: mac, promisc: false, allmulti: false, table: [] };
  return { ok: true };
}

export function program({ promisc, allmulti, mc }) {
  const overflow = mc.length > FF_TABLE_SIZE;
  nic = { ...nic, promisc, allmulti: allmulti || overflow, table: overflow ? [] : [...mc] };
  return { ok: true };
}

export function rx({ dst }) {
  const accept =
    nic.promisc || dst === nic.own || dst === BROADCAST || (nic.allmulti && isMulticast(dst)) || nic.table.includes(dst);
  return { accept };
}
