/**
 * tfjs model.json + shard reading under its first path, for the e2e specs and tests that build
 * reference models with it; the code lives in src/model/tfjs/artifacts.ts.
 */
export {
  ModelError,
  type ModelJsonText,
  artifactsIsGraph,
  modelArtifacts,
  modelArtifactsRead,
  modelFetch,
  modelJsonParse,
  modelShardPaths,
  weightEntryBytes,
} from './tfjs/artifacts.ts'
