import os from 'node:os';

/** The machine a figure was measured on: it travels with every result (bench/results/<name>.json). */
export interface Machine {
  nproc: number;
  memoryMb: number;
  cpuModel: string;
  node: string;
  /** 1, 5 and 15 minute load averages at the moment of reading. */
  loadAverage: number[];
}

export function describeMachine(): Machine {
  return {
    nproc: os.availableParallelism(),
    memoryMb: Math.round(os.totalmem() / 1_048_576),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/**
 * CPU time the whole machine spent busy (every core, every process: the API, PostgreSQL, the load
 * generator) since boot, in microseconds. The difference over a measured window divided by its requests is
 * a figure that the machine's speed drifting from run to run moves much less than throughput: what a
 * change saves shows there first.
 */
export function machineBusyMicroseconds(): number {
  let milliseconds = 0;
  for (const { times } of os.cpus()) milliseconds += times.user + times.nice + times.sys + times.irq;
  return milliseconds * 1000;
}
