// Writes failure pages (./page.ts): `check --html DIR` one per failure with a scenario,
// `replay --html DIR` one per failing scenario file.
import { basename, join, resolve } from 'node:path';
import type { CheckFailure } from '../check/units.ts';
import type { FaultSet } from '../faults.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { measureCapacity } from '../report/capacity.ts';
import { profileSpec, renderSvg } from '../report/plot.ts';
import { writeTextFile } from '../results/output.ts';
import { makeDirectory, saveNewFile } from '../scenario/save.ts';
import type { InterfaceSpec, Scenario, Step } from '../scenario/types.ts';
import { isRouteStep } from '../scenario/types.ts';
import { renderFailurePage } from './page.ts';
import { traceScenario } from './trace.ts';
import { toolCommand } from '../command-line.ts';

/** Probes per capacity point on a page: a sketch next to the failure, not the report's precision. */
const PAGE_PROBES = 400;

async function plotsFor(profiles: readonly string[]): Promise<{ profile: string; svg: string }[]> {
  const out: { profile: string; svg: string }[] = [];
  for (const name of [...new Set(profiles)]) {
    try {
      out.push({ profile: name, svg: await renderSvg(profileSpec(measureCapacity(resolveProfile(name), { probes: PAGE_PROBES, seed: 1 }))) });
    } catch {
      // A profile the capacity report cannot measure gets no plot.
    }
  }
  return out;
}

/** The scenario's steps when it has no routing step (the page draws receive-path steps only). */
function receiveSteps(scenario: Scenario | undefined): readonly Step[] | null {
  if (!scenario || scenario.steps.some((s) => isRouteStep(s))) return null;
  return scenario.steps as readonly Step[];
}

function pageName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'failure';
}

export async function writeFailurePages(dir: string, failures: readonly CheckFailure[], faults: FaultSet): Promise<string[]> {
  makeDirectory(dir);
  const written: string[] = [];
  for (const f of failures) {
    const steps = receiveSteps(f.scenario);
    if (!f.scenario || !steps) {
      // route and relay failures: their shrunk operations or events, as text.
      if (f.lines) {
        written.push(
          writeTextPage(dir, {
            title: `check ${f.property} on ${f.profile}`,
            fileBase: `check-${pageName(f.profile)}-${f.property}`,
            message: f.message,
            ...(f.replay !== undefined ? { replay: f.replay } : {}),
            transcript: f.lines.join('\n'),
            transcriptTitle: f.property === 'route' ? 'the shrunk routing scenario' : 'the shrunk interleaving (events)',
          }),
        );
      }
      continue;
    }
    const trace = traceScenario({ interfaces: f.scenario.interfaces, steps }, { profile: f.profile, faults });
    const html = renderFailurePage({
      title: `check ${f.property} on ${f.profile}`,
      message: f.message,
      ...(f.replay !== undefined ? { replay: f.replay } : {}),
      trace,
      plots: await plotsFor([f.profile]),
    });
    written.push(saveNewFile(dir, `check-${pageName(f.profile)}-${f.property}`, '.html', html));
  }
  return written;
}

export async function writeScenarioPages(dir: string, failed: readonly { file: string; scenario: Scenario; problems: string[] }[], faults: FaultSet): Promise<string[]> {
  makeDirectory(dir);
  const written: string[] = [];
  for (const { file, scenario, problems } of failed) {
    const steps = receiveSteps(scenario);
    // Routing scenarios have no receive-path trace to draw (like check's route failures).
    if (!steps) continue;
    const trace = traceScenario({ interfaces: scenario.interfaces, steps }, { faults });
    const html = renderFailurePage({
      title: `replay ${basename(file)}`,
      message: problems[0] ?? 'failed',
      replay: toolCommand(['replay', file]),
      trace,
      plots: await plotsFor(scenario.interfaces.flatMap((i) => (i.nic !== undefined ? [i.nic] : []))),
    });
    const target = join(resolve(dir), `${pageName(basename(file, '.json'))}.html`);
    writeTextFile(target, html, '--html');
    written.push(target);
  }
  return written;
}

/**
 * A page for a failure that has no receive-path scenario to trace step by step: a driver under
 * test (`check --driver --html`, `replay --driver --html`: the exchanges with the driver, as a
 * table, and end to end the scenario) or a routing / relay property (its shrunk operations or
 * events, as text).
 */
export function writeTextPage(
  dir: string,
  page: {
    readonly title: string;
    readonly fileBase: string;
    readonly message: string;
    readonly replay?: string;
    readonly transcript: string;
    readonly transcriptTitle?: string;
    /** The transcript is a driver's exchanges (src/driver/transcript.ts). */
    readonly exchanges?: boolean;
    readonly scenario?: { readonly interfaces: readonly InterfaceSpec[]; readonly steps: readonly unknown[] };
  },
): string {
  makeDirectory(dir);
  const scenario = page.scenario ? `scenario: ${JSON.stringify(page.scenario)}` : undefined;
  const text = page.exchanges === true ? scenario : scenario !== undefined ? `${page.transcript}\n\n${scenario}` : page.transcript;
  const html = renderFailurePage({
    title: page.title,
    message: page.message,
    ...(page.replay !== undefined ? { replay: page.replay } : {}),
    trace: { interfaces: page.scenario?.interfaces ?? [], steps: [], failingStep: null },
    plots: [],
    ...(page.exchanges === true ? { exchanges: page.transcript } : {}),
    ...(text !== undefined ? { transcript: text } : {}),
    ...(page.exchanges === true ? { transcriptTitle: 'the end-to-end scenario' } : page.transcriptTitle !== undefined ? { transcriptTitle: page.transcriptTitle } : {}),
  });
  return saveNewFile(dir, pageName(page.fileBase), '.html', html);
}

/** A driver failure's page (writeTextPage). */
export function writeDriverPage(
  dir: string,
  page: { readonly name: string; readonly part: string; readonly message: string; readonly replay?: string; readonly transcript: string; readonly scenario?: { readonly interfaces: readonly InterfaceSpec[]; readonly steps: readonly unknown[] } },
): string {
  const { name, part, ...rest } = page;
  return writeTextPage(dir, { ...rest, exchanges: true, title: `check --driver ${name}: ${part}`, fileBase: `driver-${pageName(name)}-${pageName(part)}` });
}
