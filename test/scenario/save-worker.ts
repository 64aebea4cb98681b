// Child process for the save race test: saves the scenario in argv[3] to argv[2] argv[4] times
// under one base name, printing each returned path.
import { readFileSync } from 'node:fs';
import { saveFixture } from '../../src/scenario/save.ts';
import type { Scenario } from '../../src/scenario/types.ts';

const [dir, scenarioFile, times] = process.argv.slice(2) as [string, string, string];
const scenario = JSON.parse(readFileSync(scenarioFile, 'utf8')) as Scenario;
for (let i = 0; i < Number(times); i++) process.stdout.write(`${saveFixture(dir, 'race', scenario)}\n`);
