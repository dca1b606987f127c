/** Types of the load actions (src/state/load.ts): what a user hands over and what a load does. */
import type { ClassRequest } from '../model/card.ts'
import type { InferChoices } from '../core/schemaIo.ts'
import type { SchemaDraft } from '../core/schemaDraft.ts'
import type { DataInput, ModelInput } from '../workers/protocol.ts'
import type { Backends } from './backends.ts'
import type { DemoName } from './demos.ts'
import type { Jobs } from './jobs.ts'
import type { SchemaInput } from './loadInputs.ts'
import type { MetricsStore } from './metrics.ts'
import type { Pending } from './schemaEditor.ts'
import type { Session } from './session.ts'

/** What a user can hand over at once; omitted parts keep what is loaded. */
export type LoadBundle = {
  model?: ModelInput
  data?: DataInput
  schema?: SchemaInput
  /** Choices for inferring a schema from the data (when no schema is given). */
  infer?: InferChoices
  /** The class of interest (absent: the model's default for a new model, else the one loaded). */
  cls?: ClassRequest
}

/** The load actions. */
export type Loader = {
  /** What the user brought that waits for its other parts, and the schema editor's draft. */
  readonly pending: Pending
  /** Replaces the schema editor's draft (every edit). */
  editDraft(draft: SchemaDraft): void
  /**
   * Assembles the editor's draft into a schema and loads it with the waiting model and CSV; an
   * invalid draft or a failed load keeps the editor, its draft and what waits.
   * @returns true when loaded.
   */
  applyDraft(): Promise<boolean>
  /** Forgets what waits and closes the editor (the loaded session is untouched). */
  discardPending(): void
  /** Opens the schema editor on the loaded session's model, CSV and schema (nothing if none). */
  editLoaded(): void
  /**
   * Loads the waiting model with the loaded session's CSV and schema (the user's explicit choice,
   * e.g. a compressed copy of the loaded model).
   * @returns true when loaded.
   */
  useLoaded(): Promise<boolean>
  /**
   * Loads any combination of model, data and schema (see the module comment).
   * @returns true when the bundle was loaded.
   */
  loadBundle(bundle: LoadBundle): Promise<boolean>
  /** Re-infers the schema with new choices (target, positive, sensitive, features). */
  applyInferChoices(choices: InferChoices): Promise<boolean>
  /**
   * A built-in demo (default the MLP): model, schema and data shipped under `base` in public/demo/
   * (and public/demo-xgboost/ for the XGBoost model).
   */
  loadDemo(base: string, demo?: DemoName): Promise<boolean>
  /** After a model worker crash the fresh worker is empty: re-sends what the user had. */
  reloadAfterRestart(message: string): void
}

/** The stores a load replaces. */
export type LoadTargets = {
  jobs: Jobs
  session: Session
  metrics: MetricsStore
  backends: Backends
}
