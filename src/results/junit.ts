// Results as JUnit XML, in the Apache Ant JUnit format that CI systems read (Jenkins, GitLab,
// GitHub test reporters): <testsuites> of <testsuite>, one per suite, each with <properties>,
// its <testcase>s, <system-out> and <system-err>. A failed case's <failure> holds the message,
// the shrunk counterexample and the replay command. test/fixtures/junit/junit.xsd checks it.
import { hostname } from 'node:os';
import { type ResultCase, type Results, totals } from './types.ts';

/** Characters XML 1.0 cannot hold at all (C0 controls other than tab, LF, CR; lone surrogates; FFFE/FFFF). */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlText(s: string): string {
  return s.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/** The Ant format's timestamp: local-free ISO 8601 without zone or fraction (UTC is meant). */
function antTimestamp(iso: string): string {
  return iso.slice(0, 19);
}

/** The text of a <failure> or <error>: message, counterexample, replay command, fixture. */
export function failureText(c: ResultCase): string {
  const lines: string[] = [];
  if (c.message !== undefined) lines.push(c.message);
  if (c.counterexample && c.counterexample.length > 0) {
    lines.push('counterexample:');
    for (const l of c.counterexample) lines.push(`  ${l}`);
  }
  if (c.replay !== undefined) lines.push(`replay: ${c.replay}`);
  if (c.fixture !== undefined) lines.push(`fixture: ${c.fixture}`);
  return lines.join('\n');
}

function testcase(c: ResultCase, classname: string): string {
  const open = `    <testcase name="${xmlAttr(c.name)}" classname="${xmlAttr(classname)}" time="${seconds(c.timeMs)}"`;
  const message = xmlAttr(c.message ?? c.status);
  switch (c.status) {
    case 'passed':
      return `${open}/>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    case 'failed':
      return `${open}>\n      <failure message="${message}" type="${xmlAttr(c.property ?? 'failure')}">${xmlText(failureText(c))}</failure>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error message="${message}" type="error">${xmlText(failureText(c))}</error>\n    </testcase>`;
  }
}

/** The cases grouped by suite, in first-seen order. */
function suites(results: Results): [string, ResultCase[]][] {
  const bySuite = new Map<string, ResultCase[]>();
  for (const c of results.cases) {
    const list = bySuite.get(c.suite) ?? [];
    list.push(c);
    bySuite.set(c.suite, list);
  }
  return [...bySuite];
}

export function junitXml(results: Results, host: string = hostname() || 'localhost'): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  const properties: [string, string][] = [['command', `mcast-testbench ${results.command}`]];
  if (results.seed !== undefined) properties.push(['seed', String(results.seed)]);
  if (results.shard !== undefined) properties.push(['shard', `${results.shard.index}/${results.shard.count}`]);
  suites(results).forEach(([suite, cases], id) => {
    const t = totals(cases);
    const time = cases.reduce((sum, c) => sum + c.timeMs, 0);
    out.push(
      `  <testsuite name="${xmlAttr(suite)}" package="mcast-testbench" id="${id}" timestamp="${antTimestamp(results.startedAt)}" hostname="${xmlAttr(host)}" tests="${t.tests}" failures="${t.failed}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(time)}">`,
      '    <properties>',
      ...properties.map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`),
      '    </properties>',
      ...cases.map((c) => testcase(c, `mcast-testbench.${suite.replace(/\s+/g, '.')}`)),
      '    <system-out/>',
      '    <system-err/>',
      '  </testsuite>',
    );
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}
