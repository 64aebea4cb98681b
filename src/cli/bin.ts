#!/usr/bin/env node
// The installed command: dist/cli/bin.js, run by plain node (no tsx). In a clone,
// bin/mcast-testbench.js runs src/cli/main.ts through tsx instead.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
