/**
 * Peak memory of a group of figures. Node: the kernel's peak resident set (VmHWM, reset through
 * /proc/self/clear_refs at the start of the group; sampled RSS where /proc is missing), the peak
 * V8 heap and tfjs tensor bytes, sampled every 100 ms and at every explicit sample(). Browser: the
 * proportional set size (Pss, /proc/PID/smaps_rollup; VmRSS where unreadable) summed over the
 * Chromium processes this bench launched (descendants of this process outside the preview
 * server), sampled every 250 ms.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'

const MiB = 2 ** 20

function statusKiB(pid: number | 'self', key: string): number | null {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    )
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}

/** Peak memory of a Node group, MiB. */
export type NodePeak = {
  peakRssMiB: number
  peakHeapUsedMiB: number
  peakTfTensorMiB: number
  /** 1 when the RSS peak is the kernel's high-water mark, 0 when sampled. */
  rssFromKernel: number
}

/** Peak memory of this Node process while figures run (kernel high-water mark or samples). */
export class NodeMemory {
  private timer: ReturnType<typeof setInterval> | null = null
  private rss = 0
  private heap = 0
  private tensors = 0
  private kernel = false

  /** Starts a group: resets the kernel's peak (where allowed) and the sampled peaks. */
  start(): void {
    this.rss = this.heap = this.tensors = 0
    try {
      writeFileSync('/proc/self/clear_refs', '5')
      this.kernel = statusKiB('self', 'VmHWM') !== null
    } catch {
      this.kernel = false
    }
    this.sample()
    this.timer = setInterval(() => this.sample(), 100)
    this.timer.unref()
  }

  sample(): void {
    const u = process.memoryUsage()
    this.rss = Math.max(this.rss, u.rss)
    this.heap = Math.max(this.heap, u.heapUsed)
    try {
      this.tensors = Math.max(this.tensors, tf.memory().numBytes)
    } catch {
      // no backend yet
    }
  }

  /** Ends the group and returns its peaks. */
  stop(): NodePeak {
    this.sample()
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const hwm = this.kernel ? statusKiB('self', 'VmHWM') : null
    return {
      peakRssMiB: hwm !== null ? Math.max(hwm * 1024, this.rss) / MiB : this.rss / MiB,
      peakHeapUsedMiB: this.heap / MiB,
      peakTfTensorMiB: this.tensors / MiB,
      rssFromKernel: hwm !== null ? 1 : 0,
    }
  }
}

/** Parent pid of every process in /proc. */
function parents(): Map<number, number> {
  const out = new Map<number, number>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(d), Number(rest[1]))
    } catch {
      // gone
    }
  }
  return out
}

/** Descendants of `root` (itself excluded), leaving out the subtrees of `exclude`. */
export function descendants(
  root: number,
  exclude: ReadonlySet<number>,
  ppid = parents(),
): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, p] of ppid) {
    const list = children.get(p) ?? []
    list.push(pid)
    children.set(p, list)
  }
  const out: number[] = []
  const stack = [...(children.get(root) ?? [])]
  while (stack.length) {
    const pid = stack.pop()!
    if (exclude.has(pid)) continue
    out.push(pid)
    stack.push(...(children.get(pid) ?? []))
  }
  return out
}

/** Proportional set size of a process in KiB (VmRSS where smaps_rollup is unreadable). */
function pssKiB(pid: number): { kib: number; pss: boolean } | null {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
    if (m) return { kib: Number(m[1]), pss: true }
  } catch {
    // fall through
  }
  const rss = statusKiB(pid, 'VmRSS')
  return rss === null ? null : { kib: rss, pss: false }
}

/** Peak memory of the browser's processes during a group, MiB. */
export type TreePeak = { peakMiB: number; processes: number; pss: boolean }

/** Samples the summed Pss of this process's descendants (minus `exclude` subtrees). */
export class TreeMemory {
  private timer: ReturnType<typeof setInterval> | null = null
  private peak = 0
  private procs = 0
  private allPss = true

  constructor(
    private readonly root: number,
    private readonly exclude: ReadonlySet<number>,
  ) {}

  start(): void {
    this.peak = 0
    this.procs = 0
    this.allPss = true
    this.sample()
    this.timer = setInterval(() => this.sample(), 250)
    this.timer.unref()
  }

  sample(): void {
    let sum = 0
    let n = 0
    for (const pid of descendants(this.root, this.exclude)) {
      const m = pssKiB(pid)
      if (!m) continue
      sum += m.kib
      n++
      if (!m.pss) this.allPss = false
    }
    if (sum * 1024 > this.peak) {
      this.peak = sum * 1024
      this.procs = n
    }
  }

  stop(): TreePeak {
    this.sample()
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    return { peakMiB: this.peak / MiB, processes: this.procs, pss: this.allPss }
  }
}
