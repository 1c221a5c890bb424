import { describe, expect, it } from 'vitest';
import { summarisePerfScript } from './postgres-cpu-profile.ts';

/** One sample as `perf script -F comm,ip,sym` prints it: the process, then its frames innermost first. */
const sample = (process: string, ...frames: string[]) => `${process} \n${frames.map((frame, index) => `\t    55a56c9c${(1000 + index).toString(16)} ${frame}`).join('\n')}\n\n`;

describe('the PostgreSQL CPU profile read from perf', () => {
  it('charges each PostgreSQL sample to the outermost stage on its stack and counts every process', () => {
    const text = [
      // A CHECK constraint read again inside a statement's run: the constraint, not the run.
      sample('postgres', 'pg_strtok', 'nodeRead', 'stringToNode', 'ExecConstraints', 'ExecModifyTable', 'standard_ExecutorRun', 'PortalRun', 'PostgresMain'),
      // A foreign-key check's own query starts an executor: the check, not the start-up.
      sample('postgres', 'ExecInitNode', 'standard_ExecutorStart', 'SPI_execute_snapshot', 'RI_FKey_check_ins', 'AfterTriggerEndQuery', 'standard_ExecutorFinish', 'PortalRun', 'PostgresMain'),
      sample('postgres', 'fdatasync', 'XLogFlush', 'RecordTransactionCommit', 'CommitTransactionCommand', 'PostgresMain'),
      sample('postgres', 'ExecInitNode', 'standard_ExecutorStart', 'PortalStart', 'PostgresMain'),
      sample('postgres', '[unknown]', 'PostgresMain'),
      sample('node', 'Builtins_JSEntry'),
      sample('swapper', 'default_idle'),
      sample('swapper', 'default_idle'),
      ...Array.from({ length: 192 }, () => sample('swapper', 'default_idle')),
      sample('kworker/1:1H', 'worker_thread'),
    ].join('');
    const profile = summarisePerfScript(text);
    expect(profile.samples).toBe(201);
    expect(profile.postgresSamples).toBe(5);
    // Under half a percent each: summed as other processes.
    expect(profile.processShare).toEqual({ idle: 96.5, postgres: 2.5, 'other processes': 1 });
    expect(profile.postgresStageShare['CHECK constraints (each statement reads their expressions again)']).toBe(20);
    expect(profile.postgresStageShare['foreign-key checks (after-row triggers)']).toBe(20);
    expect(profile.postgresStageShare['commit (WAL flush included)']).toBe(20);
    expect(profile.postgresStageShare['executor start-up (plan nodes, expressions, relations and indexes opened)']).toBe(20);
    expect(profile.postgresStageShare['other (transaction start, snapshots, memory, the kernel)']).toBe(20);
    expect(profile.postgresStageShare['index upkeep']).toBe(0);
    expect(Object.values(profile.postgresStageShare).reduce((sum, share) => sum + share, 0)).toBeCloseTo(100, 5);
  });

  it('reads symbols printed with their offsets, and nothing from no samples', () => {
    expect(summarisePerfScript(sample('postgres', 'ExecInsertIndexTuples+0x1f', 'standard_ExecutorRun+0x19')).postgresStageShare['index upkeep']).toBe(100);
    expect(summarisePerfScript('')).toMatchObject({ samples: 0, postgresSamples: 0, processShare: {} });
  });
});
