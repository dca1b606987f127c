import { useStore } from 'zustand'
import { app } from '../state/app.ts'
import { Tabs as TabNames, type Tab } from '../state/uiStore.ts'

/** The view tabs (WAI-ARIA tabs pattern: arrow keys move between tabs). */
export function Tabs() {
  const tab = useStore(app.ui.store, (s) => s.tab)
  const move = (dir: number) => {
    const i = TabNames.indexOf(tab)
    const next = TabNames[(i + dir + TabNames.length) % TabNames.length]!
    app.ui.setTab(next)
    document.getElementById(`tab-${next}`)?.focus()
  }
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {TabNames.map((t: Tab) => (
        <button
          key={t}
          id={`tab-${t}`}
          type="button"
          role="tab"
          aria-selected={t === tab}
          aria-controls="view"
          tabIndex={t === tab ? 0 : -1}
          data-testid={`tab-${t}`}
          onClick={() => app.ui.setTab(t)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight') move(1)
            else if (e.key === 'ArrowLeft') move(-1)
          }}
        >
          {t}
        </button>
      ))}
    </nav>
  )
}
