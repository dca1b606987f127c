/**
 * Staggered chart mounting. A recharts chart costs tens of milliseconds to mount (render, commit,
 * its store's effects, layout reads), so a view with six charts would block the page for one long
 * task when its tab opens. Each ChartFrame instead asks for a turn: the first frame renders a
 * placeholder, and the charts then mount one at a time — each in its own transition (a
 * time-sliced render) and its own task, the next one only after the previous has committed.
 */
import { startTransition, useEffect, useRef, useState } from 'react'

type Slot = { go: () => void; alive: boolean }

const queue: Slot[] = []
let inflight: Slot | null = null

function pump(): void {
  if (inflight) return
  let s = queue.shift()
  while (s && !s.alive) s = queue.shift()
  if (!s) return
  inflight = s
  const slot = s
  setTimeout(() => {
    if (slot.alive) slot.go()
    else release(slot)
  }, 0)
}

function release(s: Slot): void {
  if (inflight !== s) return
  inflight = null
  pump()
}

/**
 * False until it is this component's turn to mount its expensive children (see the module doc);
 * then true for good.
 */
export function useStaggeredMount(): boolean {
  const [ready, setReady] = useState(false)
  const slot = useRef<Slot | null>(null)
  useEffect(() => {
    const s: Slot = { go: () => startTransition(() => setReady(true)), alive: true }
    slot.current = s
    queue.push(s)
    pump()
    return () => {
      s.alive = false
      release(s)
    }
  }, [])
  useEffect(() => {
    if (ready && slot.current) release(slot.current)
  }, [ready])
  return ready
}
