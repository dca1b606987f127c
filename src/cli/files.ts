/**
 * The files the CLI may open, and how much of them. A CLI run on an untrusted model in CI must not
 * be steered into reading other files, nor hang or grow without bound on a device or a pipe:
 * - every file is a regular file (no directory, FIFO, socket or device such as /dev/zero) under
 *   a size cap per role ({@link FILE_CAPS}), checked with `stat` before a byte is read;
 * - a path a model file lists (a tfjs `weightsManifest` shard) is resolved under the model's own
 *   directory and must stay there: URLs, absolute paths, `..` segments (also percent-encoded) and
 *   symlinks that lead outside are refused by name.
 */
import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

const MiB = 1024 * 1024

/**
 * Size caps in bytes per role. Model files and schemas are read whole; 2 GiB is the most Node
 * reads into one buffer. A data file read whole also needs its text to fit a V8 string.
 */
export const FILE_CAPS = {
  /** model.json, an XGBoost JSON or an ONNX file. */
  model: 2048 * MiB - 1,
  /** One tfjs weight shard. */
  shard: 2048 * MiB - 1,
  /** A dataset schema. */
  schema: 16 * MiB,
  /** A data file (CSV or Parquet) read whole. */
  data: 2048 * MiB - 1,
  /** A partial state or a report read back. */
  partial: 1024 * MiB,
} as const

/** Why a path is not a readable regular file, or null when it is one. */
function kindProblem(st: Stats): string | null {
  if (st.isFile()) return null
  if (st.isDirectory()) return 'is a directory, not a file'
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file'
  if (st.isSocket()) return 'is a socket, not a regular file'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a regular file'
  return 'is not a regular file'
}

/** A size in words (MiB with one decimal). */
const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`

/**
 * Checks that `path` is a regular file of at most `cap` bytes, without opening it.
 * @param label how messages name it (`--data data.csv`, `weight shard a.bin`).
 * @returns its size in bytes.
 * @throws Error whose message names `label` and the problem (missing, not regular, too large).
 */
export function regularFileSize(path: string, label: string, cap: number): number {
  let st: Stats
  try {
    st = statSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new Error(
      `cannot read ${label}${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`,
    )
  }
  const problem = kindProblem(st)
  if (problem) throw new Error(`${label} ${problem}`)
  if (st.size > cap)
    throw new Error(`${label} is ${mib(st.size)}, over the ${mib(cap)} limit for this kind of file`)
  return st.size
}

/**
 * Why a path listed inside a model file is refused, or null when it is a plain relative path:
 * URLs, absolute paths (POSIX, Windows drive or UNC), backslashes and `..` segments, also after
 * percent-decoding (a browser resolves `%2e%2e` as `..`).
 */
export function listedPathProblem(p: string): string | null {
  let decoded = p
  try {
    decoded = decodeURIComponent(p)
  } catch {
    return 'is not a valid percent-encoded path'
  }
  for (const s of new Set([p, decoded])) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(s))
      return 'is a URL or drive path, not a file next to the model'
    if (s.startsWith('/') || s.startsWith('\\') || isAbsolute(s))
      return 'is an absolute path, not a file next to the model'
    if (s.includes('\\')) return 'contains a backslash'
    if (s.includes('\0')) return 'contains a NUL byte'
    if (s.split('/').some((seg) => seg === '..')) return 'leads out of the model’s directory (“..”)'
  }
  return null
}

/**
 * Resolves `p`, listed in the model file `modelPath`, to a file in the model's directory.
 * @returns the absolute path, or null when no such file exists (the runtime names the missing
 *   shard itself).
 * @throws Error naming `p` when it is refused: a listed-path problem, a symlink or path whose
 *   real location is outside the model's directory, not a regular file, or over the shard cap.
 */
export function siblingPathInside(modelPath: string, p: string): string | null {
  const problem = listedPathProblem(p)
  if (problem) throw new Error(`${modelPath}: the weight path "${p}" ${problem}; refused`)
  const dir = dirname(resolve(modelPath))
  const full = join(dir, p)
  let real: string
  try {
    real = realpathSync(full)
  } catch {
    return null
  }
  const realDir = realpathSync(dir)
  const rel = relative(realDir, real)
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
    throw new Error(
      `${modelPath}: the weight path "${p}" leads out of the model’s directory (through a symlink); refused`,
    )
  regularFileSize(real, `${modelPath}: weight shard "${p}"`, FILE_CAPS.shard)
  return real
}

/**
 * Why the CLI could not write `path` at the end of a run, or null when it can: checked before
 * any work so that a typo in `--out` is not found after minutes of computation.
 */
export function outputPathProblem(path: string): string | null {
  const dir = dirname(resolve(path))
  let st: Stats
  try {
    st = statSync(dir)
  } catch {
    return `its directory ${dir} does not exist`
  }
  if (!st.isDirectory()) return `${dir} is not a directory`
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    return `its directory ${dir} is not writable`
  }
  try {
    const target = statSync(path)
    if (target.isDirectory()) return 'it is a directory'
    if (!target.isFile()) return 'it exists and is not a regular file'
  } catch {
    // absent: it will be created
  }
  return null
}
