import type { ModelCard, ModelFormat, TensorSpec, TreeFacts } from '../model/card.ts'
import { fmtInt } from './format.ts'

/** How the model card names each model format. */
const FORMAT_LABEL: Record<ModelFormat, string> = {
  'layers-model': 'tfjs LayersModel',
  'graph-model': 'tfjs GraphModel',
  onnx: 'ONNX',
  'xgboost-json': 'XGBoost JSON',
}

/** A model format as the card names it (e.g. "XGBoost JSON"). */
export const formatLabel = (f: ModelFormat): string => FORMAT_LABEL[f]

/** A tensor's shape as ONNX tools print it: `[batch, 88]`, `?` for an unknown size. */
export const shapeText = (t: TensorSpec): string =>
  `[${t.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`

/** `name: dtype [shape]` lines of the model's inputs (one per column in columns mode). */
function TensorList({ specs, testId }: { specs: readonly TensorSpec[]; testId: string }) {
  return (
    <ul className="plainList mono" data-testid={testId}>
      {specs.map((t) => (
        <li key={t.name} data-name={t.name} data-dtype={t.dtype}>
          {t.name}: {t.dtype} {shapeText(t)}
        </li>
      ))}
    </ul>
  )
}

/** Trees, leaves and the depth of the deepest leaf (root at depth 0). */
function TreeRows({ trees }: { trees: TreeFacts }) {
  return (
    <>
      <dt>Trees</dt>
      <dd data-testid="model-trees" data-value={trees.count}>
        {fmtInt(trees.count)} trees · {fmtInt(trees.leaves)} leaves · max depth{' '}
        <span data-testid="model-max-depth" data-value={trees.maxDepth}>
          {trees.maxDepth}
        </span>{' '}
        <span className="muted">(root at depth 0)</span>
      </dd>
    </>
  )
}

/**
 * The model card's rows only ONNX and XGBoost JSON models have: producer and version, opset per
 * domain, inputs with dtypes and shapes, the output read as the probability, operator counts, and
 * for tree ensembles the number of trees and the maximum depth. Nothing for a tfjs model.
 */
export function ModelDetailRows({ card }: { card: ModelCard }) {
  const d = card.details
  if (d.kind === 'onnx') {
    const opsets = Object.entries(d.opsets).sort(([a], [b]) => a.localeCompare(b))
    return (
      <>
        <dt>Producer</dt>
        <dd data-testid="model-producer">
          {d.producerName || 'unknown'} {d.producerVersion} · IR version {d.irVersion}
        </dd>
        <dt>Opsets</dt>
        <dd data-testid="model-opsets">
          {opsets.map(([domain, v]) => `${domain} ${v}`).join(' · ')}
        </dd>
        <dt>Inputs</dt>
        <dd>
          <TensorList specs={card.inputs} testId="model-inputs" />
        </dd>
        <dt>Output used</dt>
        <dd data-testid="model-output" data-name={d.output.name}>
          <span className="mono">{d.output.name}</span>: {d.output.dtype}
          {d.output.origin ? ` (from ${d.output.origin})` : ''}
        </dd>
        <dt>Operators</dt>
        <dd>
          <ul className="plainList mono" data-testid="model-operators">
            {d.operators.map((o) => (
              <li key={`${o.domain}:${o.opType}`} data-op={o.opType} data-count={o.count}>
                {o.domain === 'ai.onnx' ? '' : `${o.domain}:`}
                {o.opType} × {o.count}
              </li>
            ))}
          </ul>
        </dd>
        {d.trees && <TreeRows trees={d.trees} />}
      </>
    )
  }
  if (d.kind === 'xgboost')
    return (
      <>
        <dt>Producer</dt>
        <dd data-testid="model-producer">
          XGBoost {d.version ?? '(version not written)'} · {d.booster}
        </dd>
        <dt>Objective</dt>
        <dd data-testid="model-objective">
          {d.objective} · {d.classes} classes · base score {d.baseScore.join(', ')}
        </dd>
        <dt>Inputs</dt>
        <dd>
          <TensorList specs={card.inputs} testId="model-inputs" />
          {d.featureNames && (
            <span className="muted small"> {d.featureNames.length} feature names in the file</span>
          )}
        </dd>
        <TreeRows trees={d.trees} />
      </>
    )
  return null
}
