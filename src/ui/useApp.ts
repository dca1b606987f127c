import { useStore } from 'zustand'
import { appStore, type AppState } from '../state/appStore.ts'

/** Reads a slice of the app store; re-renders when the slice changes (Object.is). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector)
}
