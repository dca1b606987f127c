// Property tests are seeded so that CI runs are reproducible; set FC_SEED to explore other seeds.
import fc from 'fast-check'

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) })
