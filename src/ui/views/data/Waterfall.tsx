import { useEffect, useMemo, useRef, useState } from 'react'
import { waterfallSteps } from '../../../core/views/waterfall.ts'
import { fmt, fmtSigned } from '../../format.ts'
import { ChartFrame } from '../../kit/ChartFrame.tsx'
import { Color } from '../../kit/palette.ts'

export type WaterfallProps = {
  title: string
  fileName: string
  baseValue: number
  phi: Readonly<Record<string, number>>
  /** Cell text per feature, for labels such as "age = 52". */
  values: Readonly<Record<string, string>>
  prediction: number
  /** Features shown on their own; the rest are folded into one step. */
  maxFeatures?: number
  caption?: string
  /** What the last step's end is called (`f(x)`; `margin` for TreeSHAP of a tree model). */
  endLabel?: string
  /** What the base value is called (`E f`; `E margin` for TreeSHAP of a tree model). */
  baseLabel?: string
  testId: string
}

const ROW = 22
const TOP = 20
const BOTTOM = 22

/** Width of an element, tracked with a ResizeObserver. */
function useWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(initial)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const ro = new ResizeObserver(() => setWidth(Math.max(240, Math.floor(el.clientWidth))))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return [ref, width] as const
}

/**
 * A compact SHAP waterfall (steps from src/core/views/waterfall.ts): from the base value E f,
 * each feature's φ as a bar from the running total, the largest |φ| first, to f(x).
 */
export function Waterfall({
  title,
  fileName,
  baseValue,
  phi,
  values,
  prediction,
  maxFeatures = 7,
  caption,
  endLabel = 'f(x)',
  baseLabel = 'E f',
  testId,
}: WaterfallProps) {
  const wf = useMemo(
    () => waterfallSteps(baseValue, phi, values, { maxFeatures, prediction }),
    [baseValue, phi, values, maxFeatures, prediction],
  )
  const [ref, width] = useWidth(360)
  const steps = wf.steps
  const height = TOP + steps.length * ROW + BOTTOM
  const labelW = Math.min(190, Math.round(width * 0.42))
  const valueW = 62
  const x0 = labelW + 8
  const x1 = width - valueW - 6
  const ends = [wf.baseValue, wf.total, ...steps.map((s) => s.end)]
  let lo = Math.min(...ends)
  let hi = Math.max(...ends)
  const pad = Math.max(0.02, (hi - lo) * 0.06)
  lo -= pad
  hi += pad
  const sx = (v: number) => x0 + ((v - lo) / (hi - lo)) * (x1 - x0)
  const maxChars = Math.floor(labelW / 6.4)
  const clip = (s: string) => (s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s)
  const summary = `${title}: base value ${fmt(wf.baseValue)}; ${steps.map((s) => `${s.label} ${fmtSigned(s.contribution)}`).join('; ')}; prediction ${fmt(prediction)}.`
  return (
    <div
      className="wfBlock"
      data-testid={testId}
      data-base={wf.baseValue}
      data-prediction={prediction}
    >
      <ChartFrame
        title={title}
        fileName={fileName}
        data={{
          header: ['step', 'features', 'contribution', 'start', 'end'],
          rows: steps.map((s) => [s.label, s.features.join(' '), s.contribution, s.start, s.end]),
        }}
        {...(caption ? { caption } : {})}
      >
        <div ref={ref} className="waterfall">
          <svg
            width={width}
            height={height}
            role="img"
            aria-label={summary}
            className="waterfallSvg"
          >
            <line
              x1={sx(wf.baseValue)}
              x2={sx(wf.baseValue)}
              y1={TOP - 6}
              y2={height - BOTTOM + 4}
              stroke={Color.Chance}
              strokeDasharray="3 3"
            />
            <text x={sx(wf.baseValue)} y={11} textAnchor="middle" fontSize={11} fill={Color.Axis}>
              {baseLabel} = {fmt(wf.baseValue)}
            </text>
            {steps.map((s, k) => {
              const y = TOP + k * ROW
              const a = sx(Math.min(s.start, s.end))
              const b = sx(Math.max(s.start, s.end))
              const next = steps[k + 1]
              return (
                <g
                  key={s.label}
                  data-feature={s.features.length === 1 ? s.features[0] : undefined}
                  data-value={s.contribution}
                >
                  <title>{`${s.label}: ${fmtSigned(s.contribution)}`}</title>
                  <text
                    x={labelW}
                    y={y + ROW / 2 + 4}
                    textAnchor="end"
                    fontSize={12}
                    fill={s.kind === 'other' ? Color.Muted : Color.Label}
                  >
                    {clip(s.label)}
                  </text>
                  <rect
                    x={a}
                    y={y + 4}
                    width={Math.max(1.5, b - a)}
                    height={ROW - 8}
                    rx={2}
                    fill={s.contribution >= 0 ? Color.Up : Color.Down}
                    opacity={s.kind === 'other' ? 0.55 : 0.9}
                  />
                  {next && (
                    <line
                      x1={sx(s.end)}
                      x2={sx(s.end)}
                      y1={y + ROW - 4}
                      y2={y + ROW + 4}
                      stroke={Color.Rule}
                    />
                  )}
                  <text
                    x={width - 4}
                    y={y + ROW / 2 + 4}
                    textAnchor="end"
                    fontSize={11.5}
                    fill={s.contribution >= 0 ? Color.UpText : Color.DownText}
                    className="tnum"
                  >
                    {fmtSigned(s.contribution)}
                  </text>
                </g>
              )
            })}
            <line
              x1={sx(wf.total)}
              x2={sx(wf.total)}
              y1={TOP - 2}
              y2={height - BOTTOM + 4}
              stroke={Color.Text}
              strokeWidth={1.5}
            />
            <text
              x={Math.min(x1, Math.max(x0, sx(wf.total)))}
              y={height - 5}
              textAnchor="middle"
              fontSize={11.5}
              fontWeight={600}
              fill={Color.Text}
            >
              {endLabel} = {fmt(prediction)}
            </text>
          </svg>
        </div>
      </ChartFrame>
    </div>
  )
}
