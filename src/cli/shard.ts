/**
 * `--shard i/n | auto | auto/n`: which shard of the data this process audits. `auto` reads the
 * index (and count) from the batch system that started the process:
 * - Slurm job arrays: `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` (0 when unset) of
 *   `SLURM_ARRAY_TASK_COUNT`;
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`, the count from `auto/n` or
 *   `GLASSBOX_SHARD_COUNT` (set it to the Job's `completions`);
 * - AWS Batch array jobs: `AWS_BATCH_JOB_ARRAY_INDEX`, the count from `auto/n` or
 *   `GLASSBOX_SHARD_COUNT` (the array size; Batch does not export it).
 */
import type { ShardSpec } from './dataSource.ts'
import { UsageError } from './load.ts'

/** Environment variables as the process sees them. */
export type Env = Readonly<Record<string, string | undefined>>

const intOf = (v: string | undefined, what: string, min: number): number | null => {
  if (v === undefined || v.trim() === '') return null
  if (!/^\d+$/.test(v.trim()))
    throw new UsageError(`--shard auto: ${what} is "${v}", not an integer`)
  const n = Number(v)
  if (n < min) throw new UsageError(`--shard auto: ${what} is ${n}, below ${min}`)
  return n
}

/** The index and count `auto` finds in `env` (count null when the scheduler gives none). */
function autoFromEnv(env: Env): { index: number; count: number | null; from: string } {
  const slurm = intOf(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID', 0)
  if (slurm !== null) {
    const min = intOf(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', 0) ?? 0
    return {
      index: slurm - min,
      count: intOf(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT', 1),
      from: 'SLURM_ARRAY_TASK_ID',
    }
  }
  for (const name of ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX']) {
    const index = intOf(env[name], name, 0)
    if (index !== null)
      return {
        index,
        count: intOf(env.GLASSBOX_SHARD_COUNT, 'GLASSBOX_SHARD_COUNT', 1),
        from: name,
      }
  }
  throw new UsageError(
    '--shard auto: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set (give --shard i/n)',
  )
}

/**
 * Parses `--shard`.
 * @throws UsageError naming the value or the missing environment variable.
 * @example shardParse('2/8', {}) // { index: 2, count: 8 }
 */
export function shardParse(value: string, env: Env): ShardSpec {
  const v = value.trim()
  const fixed = /^(\d+)\/(\d+)$/.exec(v)
  if (fixed) {
    const index = Number(fixed[1])
    const count = Number(fixed[2])
    if (count < 1 || index >= count)
      throw new UsageError(`--shard ${v}: the index must be 0 … n − 1 and n at least 1`)
    return { index, count }
  }
  const auto = /^auto(?:\/(\d+))?$/.exec(v)
  if (!auto) throw new UsageError(`--shard must be i/n, auto or auto/n (got "${value}")`)
  const found = autoFromEnv(env)
  const count = auto[1] !== undefined ? Number(auto[1]) : found.count
  if (count === null)
    throw new UsageError(
      `--shard auto: ${found.from} gives the index but nothing gives the count (use --shard auto/n or set GLASSBOX_SHARD_COUNT)`,
    )
  if (count < 1 || found.index >= count)
    throw new UsageError(
      `--shard auto: index ${found.index} (from ${found.from}) is outside 0 … ${count - 1}`,
    )
  return { index: found.index, count }
}

/** The output options a streamed command checks against `--partial`. */
export type ShardRunOptions = {
  shard: string | null
  partial: string | null
  out: string | null
  html: string | null
  gates: readonly unknown[]
}

/**
 * The shard a streamed command runs (`--shard`, else 0 of 1), after checking its outputs: a shard
 * of several (or the option `partialFor`, e.g. `--ood-pass 2`) needs `--partial`, and a partial
 * run writes no report.
 * @throws UsageError naming the option.
 */
export function shardOfRun(o: ShardRunOptions, env: Env, partialFor: string | null): ShardSpec {
  const shard = o.shard ? shardParse(o.shard, env) : { index: 0, count: 1 }
  const needs = partialFor ?? (shard.count > 1 ? `--shard ${o.shard}` : null)
  if (needs && !o.partial)
    throw new UsageError(`${needs} needs --partial FILE (merge them with glassbox merge)`)
  if (o.partial && (o.out || o.html || o.gates.length))
    throw new UsageError(
      '--partial writes a partial, not a report: --out, --html and --fail-on belong to glassbox merge',
    )
  return shard
}
