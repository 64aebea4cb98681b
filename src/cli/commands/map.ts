// `map ADDR...`: the Ethernet multicast MAC of each group (ip_eth_mc_map / ipv6_eth_mc_map).
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { type Cli, EXIT } from '../cli.ts';

export function registerMap(program: Command, cli: Cli): void {
  program
    .command('map')
    .description('print the Ethernet MAC each multicast group address maps to, one "ADDR MAC" line each')
    .argument('<addr...>', 'IPv4 or IPv6 multicast group addresses')
    .action(async (addrs: string[]) => {
      const { isMulticastIp, parseIp } = await import('../../wire/ip.ts');
      const { groupMac } = await import('../../wire/mapping.ts');
      // Every address is checked before any line is printed: all or nothing.
      const lines = addrs.map((text) => {
        const ip = parseIp(text);
        if (!isMulticastIp(ip)) throw new InputError('', `${JSON.stringify(text)} is not a multicast address`);
        return `${text} ${groupMac(ip)}`;
      });
      for (const line of lines) cli.out(line);
      cli.exitCode = EXIT.ok;
    });
}
