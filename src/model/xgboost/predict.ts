/**
 * An XGBoost model as the core's `PredictFn`: the probability of one class per row, computed by
 * the project's tree evaluator (src/core/tree/evaluate.ts), not by tfjs.
 */
import { treeClassProbability } from '../../core/tree/evaluate.ts'
import type { Matrix, PredictFn } from '../../core/types.ts'
import type { XgboostModel } from './read.ts'

/**
 * `PredictFn` of class `classIndex` of `model` (docs/contracts.md §2: default 1 for a binary
 * model; a multi:softprob model with more than 2 classes needs it).
 * @throws RangeError when the class is missing for more than 2 classes or is not a class.
 * @example await xgboostPredictFn(xgboostRead(text), 1)(x) // P(class 1) per row
 */
export function xgboostPredictFn(model: XgboostModel, classIndex?: number): PredictFn {
  if (classIndex === undefined && model.classes > 2)
    throw new RangeError(
      `the model has ${model.classes} classes: say which one to explain (class 0–${model.classes - 1})`,
    )
  const c = classIndex ?? 1
  if (!(Number.isInteger(c) && c >= 0 && c < model.classes))
    throw new RangeError(`class ${c} is not one of the model's ${model.classes} classes`)
  return (x: Matrix) => Promise.resolve(treeClassProbability(model.ensemble, x, c))
}
