/**
 * TensorFlow.js build errors said whole, with what to do. tfjs's deserializer throws multi-line
 * messages ("Unknown layer: Normalization. This may be due to one of the following reasons:\n1. …")
 * that a one-line printer cuts after the first line; here the lines are joined into one and the
 * common Keras cases get advice of their own.
 */

/** Keras layers that a Keras → TensorFlow.js export often carries and tfjs cannot build. */
const LAYER_ADVICE: Readonly<Record<string, string>> = {
  Normalization:
    'a Keras Normalization layer is not loadable in TensorFlow.js: drop it from the model and put its mean and standard deviation (√variance) in the schema as each numeric feature\'s "mean" and "std" — Glassbox standardizes the inputs before the model',
  Lambda:
    'a Keras Lambda layer holds Python code and is not loadable in TensorFlow.js: re-export the model without it (built-in layers only; move input preprocessing into the schema)',
}

/**
 * What to do about a TensorFlow.js build error, or null when there is nothing specific to say.
 * @example tfBuildAdvice('Unknown layer: Lambda. This may be …') // 'a Keras Lambda layer …'
 */
export function tfBuildAdvice(message: string): string | null {
  const m =
    /Unknown (layer|activation|initializer|regularizer|constraint|loss|metric): ([^\s.]+)/.exec(
      message,
    )
  if (!m) return null
  const [, kind, cls] = m as unknown as [string, string, string]
  const own = kind === 'layer' ? LAYER_ADVICE[cls] : undefined
  if (own !== undefined) return own
  return `${kind} "${cls}" is not one of TensorFlow.js's built-in ${kind}s (a custom, Python-only or newer Keras ${kind}): re-export the model with built-in ${kind}s only`
}

/**
 * The whole text of a TensorFlow.js build error on one line (its lines joined by a space), so that
 * a one-line printer (the CLI) shows all of it; advice follows when {@link tfBuildAdvice} has some.
 * @example tfBuildErrorText(new Error('Unknown layer: Lambda. This …:\n1. …'))
 */
export function tfBuildErrorText(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e)
  const whole = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ')
  const advice = tfBuildAdvice(raw)
  return advice === null ? `(${whole})` : `(${whole}) — what to do: ${advice}`
}
