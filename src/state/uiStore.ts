/**
 * View state that is not data: the active tab. Kept in a store so a sharing link can serialise it
 * and so the stores that compute for one view know when it is shown.
 */
import { type StoreApi, createStore } from 'zustand/vanilla'

/** The dashboard's tabs, in display order. */
export const Tabs = [
  'Overview',
  'Explain',
  'Calibration',
  'Fairness',
  'Data',
  'Compression',
  'Monitoring',
  'Compare',
] as const
/** One of the dashboard's tabs. */
export type Tab = (typeof Tabs)[number]

/** The active tab. */
export type UiState = { tab: Tab }

/** The tab store and its action. */
export type Ui = { readonly store: StoreApi<UiState>; setTab(tab: Tab): void }

/** The tab store (the Overview first). */
export function createUi(): Ui {
  const store = createStore<UiState>()(() => ({ tab: 'Overview' }))
  return { store, setTab: (tab) => store.setState({ tab }) }
}
