/**
 * The tfjs runtime's model loading, prediction and gradients under their first path, for the
 * e2e specs and tests that compute references with them. New code goes through the runtime seam
 * (src/model/runtime.ts) or imports src/model/tfjs/ directly.
 */
export { OutOfMemoryError, modelFaults as tfFaults } from './faults.ts'
export type { ModelInfo } from './card.ts'
export { type TfModel, tfModelLoad } from './tfjs/load.ts'
export { GRAD_CHUNK_ROWS, PREDICT_CHUNK_ROWS, tfGradFn, tfPredictFn } from './tfjs/predict.ts'
