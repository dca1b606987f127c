/**
 * The class of interest of a session: a user's class request resolved against the model's output
 * into the output column the model's probability is read from and the class label the report
 * names (contracts §2, §3). One rule for the CLI and the page; only the wording of the errors
 * differs (the CLI names its `--class` option).
 */
import {
  type ClassLabel,
  type ClassRequest,
  type OutputColumn,
  classLabel,
  outputColumn,
} from '../model/card.ts'
import { ModelError } from '../model/errors.ts'

/** A resolved class of interest. */
export type ClassOfInterest = { column: OutputColumn; label: ClassLabel }

/** How errors name things. */
export type ClassNaming = {
  /** The model's display name (file name, URL or path). */
  model: string
  /**
   * The CLI option that names the class (`--class`): errors name it, and there a sigmoid model
   * takes only class 1. Absent for the page, which keeps a sigmoid model's class as 0 (its only
   * output column) in its state and links, so any class it sends for a sigmoid means class 1.
   */
  option?: string
}

/**
 * The output column and class label for `request` on a model with `outputWidth` outputs: a
 * sigmoid (1 output) → column 0, label 1; a softmax → column = label = the requested class, by
 * default 1 for 2 classes.
 * @throws ModelError for a class the model lacks, or no class for a softmax over more than 2.
 * @example classResolve(2, { kind: 'auto' }, { model: 'm.json' }) // { column: 1, label: 1 }
 */
export function classResolve(
  outputWidth: number,
  request: ClassRequest,
  naming: ClassNaming,
): ClassOfInterest {
  const { model, option } = naming
  if (outputWidth === 1) {
    if (option && request.kind === 'class' && request.label !== 1)
      throw new ModelError(
        `${option} ${request.label}: ${model} has a single sigmoid output (class 1 = positive)`,
      )
    return { column: outputColumn(0), label: classLabel(1) }
  }
  if (request.kind === 'auto') {
    if (outputWidth !== 2)
      throw new ModelError(
        `${model} has a softmax over ${outputWidth} classes: ${option ? `choose one with ${option}` : 'choose the class of interest'}`,
      )
    return { column: outputColumn(1), label: classLabel(1) }
  }
  const label = request.label
  if (label >= outputWidth)
    throw new ModelError(
      `${option ? `${option} ${label}` : `class ${label}`} does not exist: ${model} has ${outputWidth} outputs`,
    )
  return { column: outputColumn(label), label }
}
