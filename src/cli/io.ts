/**
 * Where a `glassbox` command writes: the process's stdout and stderr when run as the bin, a
 * capture in the tests that call `main` in-process.
 */

/**
 * The two output streams of a command (`isTTY`: draw the progress bar) and the environment
 * variables it reads (`--shard auto`; default: the process's).
 */
export type CliIo = {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  env?: Readonly<Record<string, string | undefined>>
}

/** The process's own streams. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }

/** A one-line progress bar on stderr, redrawn in place (only when `enabled`: a TTY, not quiet). */
export function progressBar(enabled: boolean, io: CliIo) {
  let last = -1
  return {
    update(label: string, done: number, total: number) {
      if (!enabled) return
      const pct = Math.floor((100 * done) / Math.max(1, total))
      if (pct === last) return
      last = pct
      const width = 30
      const fill = Math.round((width * pct) / 100)
      io.stderr.write(
        `\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%`,
      )
    },
    done() {
      if (enabled && last >= 0) io.stderr.write('\n')
    },
  }
}
