/**
 * Human names of the metric keys the performance-drift tables compare, with the direction that is
 * better (null: neither) and a one-line explanation.
 */
export const METRIC_INFO: Record<
  string,
  { label: string; better: 'higher' | 'lower' | null; hint: string }
> = {
  accuracy: {
    label: 'Accuracy',
    better: 'higher',
    hint: 'Share of rows whose decision at the threshold matches the label',
  },
  rocAuc: {
    label: 'ROC AUC',
    better: 'higher',
    hint: 'Probability that a random positive scores above a random negative',
  },
  logLoss: {
    label: 'Log loss',
    better: 'lower',
    hint: 'Mean negative log-likelihood of the labels',
  },
  brier: {
    label: 'Brier score',
    better: 'lower',
    hint: 'Mean squared error of the predicted probabilities',
  },
  ece: { label: 'ECE', better: 'lower', hint: 'Expected calibration error (10 equal-width bins)' },
  mce: { label: 'MCE', better: 'lower', hint: 'Maximum calibration error over the bins' },
  positiveRate: {
    label: 'Positive rate (labels)',
    better: null,
    hint: 'Share of rows labelled positive',
  },
  predictedPositiveRate: {
    label: 'Predicted positive rate',
    better: null,
    hint: 'Share of rows predicted positive at the threshold',
  },
  demographicParityDifference: {
    label: 'Demographic parity difference',
    better: 'lower',
    hint: 'Largest gap between the groups’ selection rates',
  },
  demographicParityRatio: {
    label: 'Demographic parity ratio',
    better: 'higher',
    hint: 'Smallest over largest group selection rate',
  },
  equalizedOddsDifference: {
    label: 'Equalized odds difference',
    better: 'lower',
    hint: 'Largest gap in TPR or FPR between groups',
  },
  equalizedOddsRatio: {
    label: 'Equalized odds ratio',
    better: 'higher',
    hint: 'Smallest ratio of TPR or FPR between groups',
  },
  equalOpportunityDifference: {
    label: 'Equal opportunity difference',
    better: 'lower',
    hint: 'Largest gap in TPR between groups',
  },
}

/** The human name of a metric key; the key itself when it has none. */
export const metricLabel = (key: string): string => METRIC_INFO[key]?.label ?? key
