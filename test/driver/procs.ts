// Which processes of a process group still run (zombies excluded: a container's PID 1 may
// never reap orphans), from /proc/<pid>/stat.
import { readFileSync, readdirSync } from 'node:fs';

export function groupMembersRunning(pgid: number): number[] {
  const running: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // proc(5): pid (comm) state ppid pgrp ...; comm may contain spaces, so split after ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') running.push(Number(entry));
  }
  return running;
}
