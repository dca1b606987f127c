/** Display helpers: fixed decimals, null as an em dash. */
export function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits)
}

export function fmtInt(v: number): string {
  return v.toLocaleString('en-US')
}

export function fmtBytes(b: number): string {
  if (b < 1024) return `${b} B`
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(1)} KiB`
  return `${(b / 1024 ** 2).toFixed(1)} MiB`
}

export function fmtRate(rowsPerSec: number | null): string {
  if (rowsPerSec === null) return '—'
  if (rowsPerSec >= 1e6) return `${(rowsPerSec / 1e6).toFixed(2)} M rows/s`
  if (rowsPerSec >= 1e3) return `${(rowsPerSec / 1e3).toFixed(1)} k rows/s`
  return `${rowsPerSec.toFixed(0)} rows/s`
}
