/** The built-in demos the Demo buttons and `?demo=` open (src/state/load.ts loads them). */

/** The built-in demos: the same Adult rows and schema under a tfjs MLP and an XGBoost model. */
export const DEMOS = {
  mlp: { label: 'Adult — MLP', model: 'demo/model.json', schema: 'demo/schema.json' },
  xgboost: {
    label: 'Adult — XGBoost',
    model: 'demo-xgboost/model.json',
    schema: 'demo-xgboost/schema.json',
  },
} as const
/** One of the {@link DEMOS} (`?demo=xgboost` in the page's URL opens that one). */
export type DemoName = keyof typeof DEMOS
/** The demo's rows (both demos explain the same held-out Adult rows). */
export const DEMO_DATA = 'demo/data.csv'

/**
 * The demo a `?demo=` value names, or null for any other value (absent, `0`, a typo).
 * @example demoNamed('xgboost') // 'xgboost'
 */
export const demoNamed = (v: string | null): DemoName | null =>
  v !== null && Object.hasOwn(DEMOS, v) ? (v as DemoName) : null
