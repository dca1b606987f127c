/**
 * The model worker's inspect: a model's files opened alone — recognised, read and opened by its
 * runtime exactly as a load would (so a bad file fails here with the load's message) — described
 * by its card and input modes, then freed. The page keeps such a model waiting for its data and
 * sizes the schema editor by its input width; the session the worker holds is not touched.
 */
import { outputActivationProblem } from '../../core/output.ts'
import { modelInfo } from '../../model/card.ts'
import { ModelError } from '../../model/errors.ts'
import type { Handler } from '../modelHost.ts'
import { modelOpen } from './load.ts'

/**
 * Opens, describes and frees a model (see the module doc). While a session is loaded its schema's
 * output kind applies: a model whose card names a linear/unbounded last layer is refused under
 * "probability" with the message that suggests "logit", as a load would refuse it.
 */
export const inspect: Handler<'inspect'> = async (host, req, job) => {
  const model = await modelOpen(host, req.model, undefined, job)
  try {
    const kind = host.session?.schema.output.kind
    const problem = kind && outputActivationProblem(model.card.name, model.card.activation, kind)
    if (problem) throw new ModelError(problem)
    return {
      result: { model: modelInfo(model.card), card: model.card, inputModes: [...model.inputModes] },
    }
  } finally {
    model.dispose()
  }
}
