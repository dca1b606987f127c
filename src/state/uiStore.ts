/**
 * View state that is not data: the active tab and the cohort filter. Kept in a zustand store so
 * the sharing issue can serialise it into a link.
 */
import { createStore } from 'zustand/vanilla'

export const Tabs = [
  'Overview',
  'Explain',
  'Calibration',
  'Fairness',
  'Data',
  'Compression',
  'Monitoring',
] as const
export type Tab = (typeof Tabs)[number]

export type UiState = {
  tab: Tab
}

export const uiStore = createStore<UiState>()(() => ({ tab: 'Overview' }))

export function setTab(tab: Tab): void {
  uiStore.setState({ tab })
}
