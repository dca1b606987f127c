/**
 * Errors about one value of the user's model or data, said in the user's words.
 *
 * The core does not know file names, so a {@link ValueError} carries the parts of its message —
 * what the value is (`subject`), the 0-based data row (header excluded, as in the report and the Data view) when there is one, the value and the problem
 * — and the seams that do know the file (CLI, model worker) put it in front with
 * {@link valueErrorWithSource}. The CLI and the UI print the same `message`, so they say the same
 * thing. No internal function name ever reaches the message; the function that found the problem
 * stays in `where`, for debugging only.
 */

/** What a bad value is, in the user's words ("the model's prediction", "weight \"dense/kernel\""). */
export type ValueSubject = string

/**
 * One bad value of the model or the data.
 * @example throw new ValueError({ subject: "the model's prediction", row: 22, value: NaN, problem: 'is not a number' })
 */
export class ValueError extends RangeError {
  override name = 'ValueError'
  /** What the value is, in words. */
  readonly subject: ValueSubject
  /** 0-based data row (header excluded, as in the report), or null when the value belongs to no row (a weight). */
  readonly row: number | null
  /** The offending value as found (a number, or the cell's text). */
  readonly value: number | string
  /** What is wrong with it and, where one exists, what to do ("…: use output logit"). */
  readonly problem: string
  /** The file (model or data) the value came from, once a seam knows it; '' before. */
  readonly source: string
  /** The internal function that found it: for debugging, never part of the message. */
  readonly where: string
  /** Whose problem it is: the model's (weights, predictions) or the data's (labels, cells). */
  readonly about: 'model' | 'data'

  constructor(parts: {
    subject: ValueSubject
    row: number | null
    value: number | string
    problem: string
    source?: string
    where?: string
    about?: 'model' | 'data'
  }) {
    super(valueErrorMessage(parts))
    this.subject = parts.subject
    this.row = parts.row
    this.value = parts.value
    this.problem = parts.problem
    this.source = parts.source ?? ''
    this.where = parts.where ?? ''
    this.about = parts.about ?? 'model'
  }
}

/**
 * The one wording of a {@link ValueError}: `[source: ]subject[ on data row R] is VALUE: problem`.
 * @example valueErrorMessage({ subject: "the model's prediction", row: 22, value: NaN, problem: 'not a number' })
 *   // "the model's prediction on data row 22 is NaN: not a number"
 */
export function valueErrorMessage(parts: {
  subject: string
  row: number | null
  value: number | string
  problem: string
  source?: string
}): string {
  const at = parts.row === null ? '' : ` on data row ${parts.row}`
  const value = typeof parts.value === 'string' ? `"${parts.value}"` : String(parts.value)
  const source = parts.source ? `${parts.source}: ` : ''
  return `${source}${parts.subject}${at} is ${value}: ${parts.problem}`
}

/**
 * `e` with the file it concerns named in front, when `e` is a {@link ValueError} that does not name
 * one yet; any other value is returned as is (so a seam can rethrow whatever it caught).
 * @example catch (e) { throw valueErrorWithSource(e, 'model.json') }
 */
export function valueErrorWithSource(e: unknown, source: string): unknown {
  if (!(e instanceof ValueError) || e.source !== '' || source === '') return e
  return new ValueError({
    subject: e.subject,
    row: e.row,
    value: e.value,
    problem: e.problem,
    source,
    where: e.where,
    about: e.about,
  })
}

/**
 * Checks that every prediction is a number (not NaN); the message names the 0-based data row.
 * @param firstRow 0-based data row of `p[0]` (for chunks of a stream).
 * @throws ValueError on the first NaN.
 */
export function predictionsCheckNumbers(where: string, p: ArrayLike<number>, firstRow = 0): void {
  for (let i = 0; i < p.length; i++) {
    if (Number.isNaN(p[i]!)) {
      throw new ValueError({
        subject: "the model's prediction",
        row: firstRow + i,
        value: NaN,
        problem:
          'not a number — the model computes NaN for this row (a NaN or infinite weight, or an overflow inside the network)',
        where,
      })
    }
  }
}

/**
 * Checks that every prediction is a probability in [0, 1]; the message names the 0-based data row
 * and suggests `output: logit` for raw scores.
 * @throws ValueError on the first value outside [0, 1] (NaN included).
 */
export function predictionsCheckProbabilities(
  where: string,
  p: ArrayLike<number>,
  firstRow = 0,
): void {
  predictionsCheckNumbers(where, p, firstRow)
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError({
        subject: "the model's prediction",
        row: firstRow + i,
        value: v,
        problem:
          'not a probability in [0, 1] — if the model outputs raw scores (logits), set "output": {"kind": "logit"} in the schema (CLI: --output logit)',
        where,
      })
    }
  }
}
