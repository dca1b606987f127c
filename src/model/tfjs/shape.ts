/**
 * The architecture of a tfjs model for the backend probe cache (src/workers/probeCache.ts): its
 * layers (LayersModel) or compute ops (GraphModel) with what changes their cost, and the card's
 * widths, parameter count and weight dtypes. Weights never enter it.
 */
import type { ModelShape } from '../card.ts'

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A layer's config distilled to what changes its cost: size, activation, kernel, rate. */
function layerSummary(layer: unknown): string {
  if (!isRecord(layer)) return '?'
  const cls = typeof layer.class_name === 'string' ? layer.class_name : '?'
  const cfg = isRecord(layer.config) ? layer.config : {}
  const parts = [cls]
  for (const k of [
    'units',
    'activation',
    'filters',
    'kernel_size',
    'rate',
    'batch_input_shape',
    'use_bias',
  ]) {
    if (cfg[k] !== undefined) parts.push(`${k}=${JSON.stringify(cfg[k])}`)
  }
  return parts.join(' ')
}

/**
 * The shape of a model from its topology (artifacts.modelTopology) and model card numbers.
 * @example modelShape(artifacts.modelTopology, info).layers // ['Dense units=64 activation="relu" …', …]
 */
export function modelShape(
  topology: unknown,
  info: {
    format: string
    inputWidth: number
    outputWidth: number
    parameters: number
    weightDtypes: string[]
  },
): ModelShape {
  let layers: string[] = []
  if (isRecord(topology)) {
    if (Array.isArray(topology.node)) {
      // GraphModel: the compute ops in order (constants and placeholders say nothing about cost).
      layers = topology.node
        .filter(isRecord)
        .map((n) => String(n.op ?? '?'))
        .filter((op) => op !== 'Const' && op !== 'Placeholder' && op !== 'Identity')
    } else {
      const cfg = isRecord(topology.model_config) ? topology.model_config.config : undefined
      const list = isRecord(cfg) ? cfg.layers : Array.isArray(cfg) ? cfg : undefined
      if (Array.isArray(list)) layers = list.map(layerSummary)
    }
  }
  return {
    format: info.format,
    inputWidth: info.inputWidth,
    outputWidth: info.outputWidth,
    parameters: info.parameters,
    layers,
    weightDtypes: [...info.weightDtypes],
  }
}
