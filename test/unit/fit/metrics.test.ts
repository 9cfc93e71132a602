import { binaryAuc, classificationMetrics, regressionMetrics } from '../../../src/fit/metrics.js';

describe('fit metrics', () => {
  it('regression: RMSE, MAE and R² by hand', () => {
    const m = regressionMetrics([1, 2, 3, 4], [1, 2, 3, 5]);
    expect(m.rmse).toBeCloseTo(0.5, 12);
    expect(m.mae).toBeCloseTo(0.25, 12);
    // SST = 2.25 + 0.25 + 0.25 + 2.25 = 5, SSE = 1.
    expect(m.r2).toBeCloseTo(0.8, 12);
  });

  it('classification: accuracy, balanced accuracy, macro-F1 by hand (argmax of probabilities)', () => {
    const onehot = (c: number) => [0, 1, 2].map((k) => (k === c ? 0.8 : 0.1));
    const probs = [0, 0, 1, 1, 2, 2].flatMap(onehot);
    const m = classificationMetrics([0, 0, 0, 1, 1, 2], probs, 3);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // recalls 2/3, 1/2, 1
    expect(m.balancedAccuracy).toBeCloseTo((2 / 3 + 1 / 2 + 1) / 3, 12);
    // F1s 0.8, 0.5, 2/3
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(m.auc).toBeUndefined();
  });

  it('binary AUC: scikit-learn\'s roc_auc_score example gives 0.75; ties count half', () => {
    expect(binaryAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(binaryAuc([0, 1], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(binaryAuc([1, 1], [0.2, 0.3])).toBeUndefined();
    const m = classificationMetrics([0, 1, 1, 0], [0.9, 0.1, 0.3, 0.7, 0.2, 0.8, 0.6, 0.4], 2);
    expect(m.auc).toBeCloseTo(1, 12);
    expect(m.accuracy).toBeCloseTo(1, 12);
  });
});
