import { readdirSync, readFileSync } from 'node:fs';
import { processStatFields } from './process-cpu.ts';

/** One process's resident memory, read from /proc/<pid>/status (Linux), in MB. */
export interface ProcessMemory {
  pid: number;
  command: string;
  rssMb: number;
  /** Private memory: the heap, JIT code, buffers. */
  anonymousMb: number;
  /** Pages of mapped files (mostly the node binary), shared with every other Node process on the machine. */
  fileMb: number;
}

function parentOf(pid: number): number | null {
  try {
    return Number(processStatFields(pid)[1]); // ppid, field 4
  } catch {
    return null;
  }
}

/** Every live descendant of a process (children, grandchildren, ...), not the process itself. */
export function descendantsOf(rootPid: number): number[] {
  const childrenByParent = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent === null) continue;
    childrenByParent.set(parent, [...(childrenByParent.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [...(childrenByParent.get(rootPid) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(childrenByParent.get(pid) ?? []));
  }
  return found;
}

const kilobytesField = (status: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
const toMb = (kilobytes: number) => Math.round((kilobytes / 1024) * 10) / 10;

export function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return { pid, command, rssMb: toMb(kilobytesField(status, 'VmRSS')), anonymousMb: toMb(kilobytesField(status, 'RssAnon')), fileMb: toMb(kilobytesField(status, 'RssFile')) };
  } catch {
    return null; // The process ended between listing and reading.
  }
}

export interface TreeMemory {
  totalRssMb: number;
  totalAnonymousMb: number;
  processes: ProcessMemory[];
}

/** The resident memory of every descendant of `rootPid` (the `npm` client itself excluded by construction). */
export function treeMemory(rootPid: number): TreeMemory {
  const processes = descendantsOf(rootPid)
    .map(processMemory)
    .filter((memory): memory is ProcessMemory => memory !== null);
  const sum = (pick: (memory: ProcessMemory) => number) => Math.round(processes.reduce((total, memory) => total + pick(memory), 0) * 10) / 10;
  return { totalRssMb: sum((memory) => memory.rssMb), totalAnonymousMb: sum((memory) => memory.anonymousMb), processes };
}
