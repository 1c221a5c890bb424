import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Where PostgreSQL's own CPU goes, by what its backends were doing: Linux `perf` samples every core with
 * call stacks while the benchmark runs (`perf record -a -g`), and each PostgreSQL sample is charged to the
 * first of the stages below found anywhere on its stack (outermost stage first, so a foreign-key check's
 * inner query counts as the check, not as executor start-up). PostgreSQL's binary exports its function
 * names, so no debug symbols are needed. Optional: without `perf`, or without the right to sample every
 * process (root, or kernel.perf_event_paranoid <= -1), the benchmark goes on without this part.
 */
const STAGES: [stage: string, functions: string[]][] = [
  ['commit (WAL flush included)', ['CommitTransactionCommand', 'AbortCurrentTransaction']],
  ['CHECK constraints (each statement reads their expressions again)', ['ExecConstraints']],
  ['foreign-key checks (after-row triggers)', ['AfterTriggerEndQuery', 'AfterTriggerFireDeferred', 'RI_FKey_check_ins', 'RI_FKey_check_upd']],
  ['index upkeep', ['ExecInsertIndexTuples']],
  ['executor start-up (plan nodes, expressions, relations and indexes opened)', ['standard_ExecutorStart']],
  ['plan cache (locks every relation of a cached plan)', ['GetCachedPlan']],
  ['parsing SQL (statements sent as text)', ['pg_parse_query', 'pg_analyze_and_rewrite_fixedparams', 'pg_analyze_and_rewrite_varparams']],
  ['executor shutdown', ['standard_ExecutorEnd', 'PortalDrop']],
  ['executor run (scans, joins, rows written)', ['standard_ExecutorRun', 'standard_ExecutorFinish']],
  ['client connection (reading and answering)', ['secure_read', 'secure_write', 'pq_getbyte', 'pq_flush', 'socket_flush', 'pq_recvbuf']],
];
const OTHER_STAGE = 'other (transaction start, snapshots, memory, the kernel)';

export interface PostgresCpuProfile {
  /** Samples of every process on every core; `idle` is the kernel's idle task. */
  samples: number;
  /** Share (%) of all samples per process name: postgres, node, redis-server, idle, ... */
  processShare: Record<string, number>;
  postgresSamples: number;
  /** Share (%) of PostgreSQL's samples per stage, in STAGES order then the rest. */
  postgresStageShare: Record<string, number>;
}

function roundedShare(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}

/**
 * Reads `perf script -F comm,ip,sym` text: each sample is a line naming its process, then one line per
 * frame (address and symbol), innermost first, then an empty line.
 */
export function summarisePerfScript(text: string): PostgresCpuProfile {
  const processCounts = new Map<string, number>();
  const stageCounts = new Map<string, number>(STAGES.map(([stage]) => [stage, 0]));
  stageCounts.set(OTHER_STAGE, 0);
  let samples = 0;
  let postgresSamples = 0;
  let processName: string | null = null;
  let frames: string[] = [];
  const finishSample = () => {
    if (processName === null) return;
    samples += 1;
    const name = processName === 'swapper' ? 'idle' : processName;
    processCounts.set(name, (processCounts.get(name) ?? 0) + 1);
    if (processName === 'postgres') {
      postgresSamples += 1;
      const stage = STAGES.find(([, functions]) => frames.some((frame) => functions.includes(frame)))?.[0] ?? OTHER_STAGE;
      stageCounts.set(stage, stageCounts.get(stage)! + 1);
    }
    processName = null;
    frames = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') finishSample();
    else if (/^\s/.test(line)) {
      // "	    55a56c9c2059 standard_ExecutorRun+0x19 (/usr/lib/postgresql/15/bin/postgres)"
      const symbol = line.trim().split(/\s+/)[1];
      if (symbol) frames.push(symbol.replace(/\+0x[0-9a-f]+$/, ''));
    } else {
      finishSample();
      processName = line.trim().split(/\s+/)[0] ?? null;
    }
  }
  finishSample();
  // Processes under half a percent (kernel threads, the shell, perf itself) are summed as one.
  const processShare: Record<string, number> = {};
  let otherProcesses = 0;
  for (const [name, count] of [...processCounts].sort((a, b) => b[1] - a[1])) {
    if (count / samples >= 0.005) processShare[name] = roundedShare(count, samples);
    else otherProcesses += count;
  }
  if (otherProcesses > 0) processShare['other processes'] = roundedShare(otherProcesses, samples);
  const postgresStageShare = Object.fromEntries([...stageCounts].map(([stage, count]) => [stage, roundedShare(count, postgresSamples)]));
  return { samples, processShare, postgresSamples, postgresStageShare };
}

export interface PostgresCpuRecording {
  stop(): Promise<PostgresCpuProfile | null>;
}

/** Starts `perf record` on every core at 499 Hz with call stacks; null where perf cannot sample the machine. */
export async function startPostgresCpuProfile(folder: string): Promise<PostgresCpuRecording | null> {
  const dataPath = path.join(folder, 'perf.data');
  let recorder: ChildProcess;
  try {
    recorder = spawn('perf', ['record', '-a', '-g', '-F', '499', '-o', dataPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch {
    return null;
  }
  let failure = '';
  recorder.stderr?.on('data', (chunk: Buffer) => (failure += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    recorder.once('error', () => resolve(-1));
    recorder.once('exit', (code) => resolve(code));
  });
  // perf refuses at once (not installed, not allowed); once it has started it keeps running.
  const early = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 1_000))]);
  if (early !== 'running') {
    console.log(`PostgreSQL CPU profile skipped: perf did not start (${failure.trim().split('\n')[0] || `exit ${early}`})`);
    return null;
  }
  return {
    async stop() {
      recorder.kill('SIGINT');
      await exited;
      const script = spawnSync('perf', ['script', '-i', dataPath, '-F', 'comm,ip,sym'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
      rmSync(dataPath, { force: true });
      if (script.status !== 0) {
        console.log(`PostgreSQL CPU profile skipped: perf script failed (${script.stderr.trim().split('\n')[0]})`);
        return null;
      }
      return summarisePerfScript(script.stdout);
    },
  };
}
