/**
 * Saving files from the page: a temporary object URL clicked as a download link. The stores get
 * this through their dependencies (src/state/ports.ts); charts call `downloadText` directly.
 */

/**
 * Saves `data` as a file named `name` (the URL is revoked a second later, after the click).
 * @example downloadBlob(new Blob([csv], { type: 'text/csv' }), 'rows.csv')
 */
export function downloadBlob(data: Blob, name: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(data)
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}

/** Saves text as a file of MIME type `type`. */
export function downloadText(text: string, name: string, type: string): void {
  downloadBlob(new Blob([text], { type }), name)
}
