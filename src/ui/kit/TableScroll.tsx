import type { ReactNode } from 'react'

/**
 * A horizontally scrollable holder for a wide table, focusable so keyboard users can scroll it.
 * Named by `label`, or by the element `labelledBy` points at.
 */
export function TableScroll({
  label,
  labelledBy,
  children,
}: {
  label?: string
  labelledBy?: string
  children: ReactNode
}) {
  return (
    <div
      className="tableScroll"
      role="region"
      tabIndex={0}
      {...(labelledBy ? { 'aria-labelledby': labelledBy } : { 'aria-label': label })}
    >
      {children}
    </div>
  )
}
