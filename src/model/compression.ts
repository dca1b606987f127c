/**
 * The compression comparison (issue 6) for the Compression tab, the worker pool and the audit:
 * its types (src/model/compression/types.ts) and its steps (src/model/compression/run.ts).
 */
export * from './compression/types.ts'
export * from './compression/run.ts'
