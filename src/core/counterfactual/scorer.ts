/**
 * Scores rows of feature values with the model: writes them as model inputs (the model's input
 * map: the schema's encoding, or one input per feature) into a reusable chunk buffer and calls
 * the batched model, counting the rows evaluated.
 */
import type { CheckCancel } from '../types.ts'
import type { ModelInputMap } from '../modelInput.ts'
import {
  type BatchModel,
  ChunkBuffer,
  type Precision,
  defaultChunkRows,
} from '../shap/coalitions.ts'

/** Batched f(feature-value rows) with an evaluation counter. */
export class ValueScorer {
  /** Model rows evaluated so far. */
  evaluations = 0
  /** Model calls so far. */
  calls = 0
  private chunk: ChunkBuffer | null = null
  private readonly width: number
  private readonly chunkRows: number

  constructor(
    private readonly model: BatchModel,
    private readonly input: ModelInputMap,
    private readonly precision: Precision = 'float32',
    chunkRows?: number,
    private readonly checkCancel?: CheckCancel,
  ) {
    this.width = input.width
    this.chunkRows = Math.max(1, Math.floor(chunkRows ?? defaultChunkRows(this.width)))
  }

  /** f for every row (feature values, schema order); one model call per chunk. */
  async score(rows: readonly ArrayLike<number>[]): Promise<Float64Array> {
    const out = new Float64Array(rows.length)
    for (let g = 0; g < rows.length;) {
      await this.checkCancel?.()
      const n = Math.min(this.chunkRows, rows.length - g)
      if (!this.chunk || this.chunk.rows < n)
        this.chunk = new ChunkBuffer(
          Math.min(this.chunkRows, Math.max(n, 1024)),
          this.width,
          this.precision,
        )
      const buf = this.chunk.data
      for (let t = 0; t < n; t++) this.input.write(rows[g + t]!, buf, t * this.width)
      const p = await this.chunk.predict(this.model, n)
      for (let t = 0; t < n; t++) out[g + t] = p[t]!
      g += n
      this.evaluations += n
      this.calls++
    }
    return out
  }
}
