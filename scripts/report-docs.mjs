#!/usr/bin/env node
// Regenerates docs/report: the capacity report (seed 1, 4000 probes per point) and overview.png,
// rendered from overview.svg with resvg (a dev dependency), for the README.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

const out = 'docs/report';
execFileSync(process.execPath, ['bin/mcast-testbench.js', 'report', '--out', out], { stdio: 'inherit' });
const png = new Resvg(readFileSync(`${out}/overview.svg`, 'utf8'), { background: 'white' }).render().asPng();
writeFileSync(`${out}/overview.png`, png);
console.log(`${out}/overview.png`);
