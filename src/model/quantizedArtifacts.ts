/**
 * Quantized tfjs artifacts under their first path, for the e2e specs that build reference
 * variants with them; the code lives in src/model/tfjs/quantizedArtifacts.ts.
 */
export * from './tfjs/quantizedArtifacts.ts'
