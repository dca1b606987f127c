import { useRef, type ReactNode } from 'react'
import { csvFromRows } from '../../core/views/csvExport.ts'
import { downloadText } from '../../state/download.ts'
import { cssVarValue, resolveCssVars } from './palette.ts'
import { useStaggeredMount } from './stagger.ts'

export type ChartData = { header: string[]; rows: (string | number | null)[][] }

export type ChartFrameProps = {
  /** Visible title; also the accessible name and the export file name. */
  title: string
  /** The data behind the chart, exported as CSV. */
  data: ChartData
  /** Settings or notes printed under the chart (e.g. background, budget, seed). */
  caption?: ReactNode
  children: ReactNode
  /** File-name stem for exports (default: from the title). */
  fileName?: string
}

const stem = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'chart'

/**
 * Serialises the chart's <svg> as a standalone SVG document: computed font inlined, and every
 * palette reference (`var(--gb-…)`) replaced by its colour, since the stylesheet stays behind.
 */
export function chartSvgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  const { width, height } = svg.getBoundingClientRect()
  clone.setAttribute('width', String(Math.round(width)))
  clone.setAttribute('height', String(Math.round(height)))
  clone.setAttribute('font-family', getComputedStyle(svg).fontFamily || 'sans-serif')
  return resolveCssVars(new XMLSerializer().serializeToString(clone), (name) =>
    cssVarValue(name, svg),
  )
}

/** Rasterises an SVG document to a PNG blob at 2× for sharp print, on the page's surface colour. */
export function svgToPng(svgText: string, width: number, height: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }))
    img.onload = () => {
      const canvas = document.createElement('canvas')
      canvas.width = Math.max(1, Math.round(width * 2))
      canvas.height = Math.max(1, Math.round(height * 2))
      const ctx = canvas.getContext('2d')!
      const surface = cssVarValue('--gb-surface')
      if (surface) {
        ctx.fillStyle = surface
        ctx.fillRect(0, 0, canvas.width, canvas.height)
      }
      ctx.scale(2, 2)
      ctx.drawImage(img, 0, 0, width, height)
      URL.revokeObjectURL(url)
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png')
    }
    img.onerror = () => {
      URL.revokeObjectURL(url)
      reject(new Error('the chart could not be rasterised'))
    }
    img.src = url
  })
}

/**
 * A chart with its title, accessible name, keyboard focus, caption, and buttons to export the
 * picture as PNG or SVG and the data as CSV (formula-safe, numbers as numbers). The chart itself
 * mounts after a placeholder, one chart at a time (./stagger.ts), so that opening a view with
 * several charts never blocks the page for long.
 */
export function ChartFrame({ title, data, caption, children, fileName }: ChartFrameProps) {
  const ref = useRef<HTMLDivElement>(null)
  const mounted = useStaggeredMount()
  const name = fileName ?? stem(title)
  // recharts' legend icons are small svg.recharts-surface elements too: take the chart's own.
  const svg = () =>
    (ref.current?.querySelector('.recharts-wrapper > svg.recharts-surface') ??
      ref.current?.querySelector('svg')) as SVGSVGElement | null
  const exportSvg = () => {
    const s = svg()
    if (s) downloadText(chartSvgText(s), `${name}.svg`, 'image/svg+xml')
  }
  const exportPng = async () => {
    const s = svg()
    if (!s) return
    const { width, height } = s.getBoundingClientRect()
    const blob = await svgToPng(chartSvgText(s), width, height)
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = `${name}.png`
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  }
  const exportCsv = () =>
    downloadText(csvFromRows(data.header, data.rows), `${name}.csv`, 'text/csv')
  return (
    <figure className="chart" aria-label={title} data-testid={`chart-${name}`}>
      <figcaption className="chartHead">
        <span className="chartTitle">{title}</span>
        <span className="chartExports">
          <button
            type="button"
            onClick={() => void exportPng()}
            aria-label={`Export ${title} as PNG`}
          >
            PNG
          </button>
          <button
            type="button"
            onClick={exportSvg}
            aria-label={`Export ${title} as SVG`}
            data-testid="export-svg"
          >
            SVG
          </button>
          <button
            type="button"
            onClick={exportCsv}
            aria-label={`Export the data of ${title} as CSV`}
            data-testid="export-csv"
          >
            CSV
          </button>
        </span>
      </figcaption>
      {/* recharts 3 renders its surface focusable with keyboard navigation (accessibilityLayer). */}
      <div ref={ref} className="chartBody">
        {mounted ? (
          children
        ) : (
          <div className="chartPending muted small" aria-hidden="true">
            drawing…
          </div>
        )}
      </div>
      {caption && <div className="chartCaption muted small">{caption}</div>}
    </figure>
  )
}
