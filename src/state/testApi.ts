/**
 * `window.__glassbox`: a small read-only window into the store for end-to-end tests (Playwright
 * reads numbers through it to compare with what the page shows), plus worker probes.
 */
import { appStore } from './appStore.ts'
import { modelWorker } from './workers.ts'

export type TestApi = {
  state: () => ReturnType<typeof appStore.getState>
  predictions: () => number[] | null
  numTensors: () => Promise<number>
  loseDevice: () => Promise<unknown>
  crashModelWorker: () => void
}

declare global {
  interface Window {
    __glassbox?: TestApi
  }
}

export function installTestApi(): void {
  window.__glassbox = {
    state: () => appStore.getState(),
    predictions: () => {
      const p = appStore.getState().predictions
      return p ? Array.from(p) : null
    },
    numTensors: () => modelWorker.request<number>({ cmd: 'memory' }),
    loseDevice: () => modelWorker.request({ cmd: 'loseDevice' }),
    crashModelWorker: () => modelWorker.restart('restarted by a test'),
  }
}
