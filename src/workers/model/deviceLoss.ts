/**
 * Surviving WebGPU device loss: the host watches every device its runtime runs on; when one is
 * lost, an idle worker falls back to the best other backend at once (re-predicting every row and
 * telling the page with a `backendLost` event), and a job that was running on it is rerun there
 * (`retryOnLoss`), so the user gets the answer instead of an error.
 */
import type { ModelHost } from '../modelHost.ts'
import { AbortError } from '../protocol/common.ts'
import { switchTo } from './probe.ts'

/**
 * How long a job that failed with a GPU error waits for the device's `lost` promise: the job's
 * own read-back fails at once, the promise may settle seconds later (2.5 s on an idle machine's
 * SwiftShader, over 5 s on a busy 2-core one). Only a GPU error that is not a loss waits this long
 * before it is reported.
 */
const LOSS_GRACE_MS = 15_000
/** Errors that come from the GPU (a read-back or submit on a dead device), not from the job. */
const GPU_ERROR = /GPU|mapAsync|device/i

/** The host's WebGPU device-loss watch (see the module doc). */
export class DeviceLoss {
  /** GPU devices whose `lost` promise is already observed (a runtime reuses one per backend). */
  private readonly watched = new WeakSet<GPUDevice>()
  /** Device losses seen so far: a job compares it before and after to know it was hit. */
  private losses = 0
  /** Callbacks waiting for the next device loss (lossWithin). */
  private readonly waiters: (() => void)[] = []
  private readonly host: ModelHost

  constructor(host: ModelHost) {
    this.host = host
  }

  /** Watches `device`: describes its adapter on the webgpu status, and reacts to its loss. */
  watch(device: GPUDevice): void {
    if (this.watched.has(device)) return
    this.watched.add(device)
    const st = this.host.backends.status('webgpu')
    void navigator.gpu
      ?.requestAdapter()
      .then((a) => {
        if (!a) return
        const info = a.info
        st.detail =
          [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') ||
          'unknown adapter'
        if (
          (a as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ||
          info.isFallbackAdapter
        )
          st.detail += ' (software fallback adapter)'
      })
      .catch(() => {})
    void device.lost.then((info) => {
      this.losses++
      st.available = false
      st.rowsPerSec = null
      st.error = `GPU device lost (${info.reason}${info.message ? `: ${info.message}` : ''})`
      this.waiters.splice(0).forEach((wake) => wake())
      // A job running on the device falls back itself (retryOnLoss); when idle, fall back now.
      void this.host.enqueue(async () => {
        if (this.host.backends.active === 'webgpu') await this.fallBack()
      })
    })
  }

  /**
   * After a WebGPU device loss: switch to the fastest other backend (re-predicting every row)
   * and tell the page, with the new predictions, through a `backendLost` event.
   * @returns false when no other backend could take over (the page is told that too).
   */
  async fallBack(): Promise<boolean> {
    const b = this.host.backends
    const message = b.status('webgpu').error ?? 'GPU device lost'
    const post = this.host.eventPost
    try {
      const r = await switchTo(this.host, b.fallbackFor('webgpu'), this.host.job(0, post))
      post(
        {
          id: 0,
          kind: 'event',
          event: {
            type: 'backendLost',
            from: 'webgpu',
            to: r.backend,
            message,
            predictions: r.predictions,
          },
        },
        [r.predictions.buffer],
      )
      return true
    } catch (e) {
      post({
        id: 0,
        kind: 'event',
        event: { type: 'backendLostFailed', from: 'webgpu', message: (e as Error).message },
      })
      return false
    }
  }

  /**
   * Runs a job; when the WebGPU device is lost while it runs (it then fails, or finishes with
   * numbers read from a dead device), falls back to another backend and runs it once more there.
   * Any other failure is rethrown as it is.
   */
  async retryOnLoss<T>(job: () => Promise<T>): Promise<T> {
    if (this.host.backends.active !== 'webgpu') return job()
    const losses = this.losses
    let failure: { e: unknown } | null = null
    let result: T | undefined
    try {
      result = await job()
    } catch (e) {
      failure = { e }
    }
    // A lost device fails the job's read-back before its `lost` promise settles: wait for it.
    if (
      failure &&
      this.losses === losses &&
      !(failure.e instanceof AbortError) &&
      GPU_ERROR.test(String((failure.e as Error)?.message))
    )
      await this.lossWithin(LOSS_GRACE_MS)
    if (this.losses === losses) {
      if (failure) throw failure.e
      return result as T
    }
    if (failure?.e instanceof AbortError) throw failure.e
    if (this.host.backends.active === 'webgpu' && !(await this.fallBack())) {
      throw new Error(
        `${this.host.backends.status('webgpu').error ?? 'GPU device lost'}; no other backend could take over`,
      )
    }
    return job()
  }

  /** Resolves at the next device loss or after `ms`, whichever comes first. */
  private lossWithin(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const k = this.waiters.indexOf(wake)
        if (k >= 0) this.waiters.splice(k, 1)
        resolve()
      }, ms)
      const wake = (): void => {
        clearTimeout(timer)
        resolve()
      }
      this.waiters.push(wake)
    })
  }
}
