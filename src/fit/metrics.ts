/**
 * Metrics `metatune fit` reports on the validation and test splits, computed from predictions in
 * the target's original units (a standardised regression target is mapped back first).
 *
 * Regression: RMSE, MAE, R² (1 − SSE/SST against the evaluated rows' own mean; can be negative).
 * Classification: accuracy, balanced accuracy (mean per-class recall over the classes present in the
 * labels), macro-F1 (over the same classes; a class never predicted has precision 0), and, for
 * two classes, ROC AUC from the positive class' probability (ties count half; Mann–Whitney U).
 */
export interface RegressionMetrics {
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
}

export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  readonly macroF1: number;
  /** Binary tasks only. */
  readonly auc?: number;
}

export type FitMetrics = RegressionMetrics | ClassificationMetrics;

export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  const n = yTrue.length;
  let se = 0;
  let ae = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const d = yTrue[i]! - yPred[i]!;
    se += d * d;
    ae += Math.abs(d);
    sst += (yTrue[i]! - mean) ** 2;
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, r2: sst > 0 ? 1 - se / sst : se === 0 ? 1 : 0 };
}

/**
 * `probabilities` is row-major n × numClasses (softmax outputs); the predicted class is the argmax
 * (the first one on ties).
 */
export function classificationMetrics(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number): ClassificationMetrics {
  const n = yTrue.length;
  const predicted = argmaxRows(probabilities, numClasses);
  const tp = new Float64Array(numClasses);
  const support = new Float64Array(numClasses);
  const predictedCount = new Float64Array(numClasses);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    const p = predicted[i]!;
    support[t]++;
    predictedCount[p]++;
    if (t === p) {
      tp[t]++;
      correct++;
    }
  }
  let recallSum = 0;
  let f1Sum = 0;
  let present = 0;
  for (let c = 0; c < numClasses; c++) {
    if (support[c] === 0) continue;
    present++;
    const recall = tp[c]! / support[c]!;
    const precision = predictedCount[c]! > 0 ? tp[c]! / predictedCount[c]! : 0;
    recallSum += recall;
    f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  const out: ClassificationMetrics = { accuracy: correct / n, balancedAccuracy: recallSum / present, macroF1: f1Sum / present };
  if (numClasses === 2) {
    const scores = Float64Array.from({ length: n }, (_, i) => probabilities[i * 2 + 1]!);
    const auc = binaryAuc(yTrue, scores);
    if (auc !== undefined) return { ...out, auc };
  }
  return out;
}

export function argmaxRows(probabilities: ArrayLike<number>, numClasses: number): Int32Array {
  const n = Math.floor(probabilities.length / numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probabilities[i * numClasses + c]! > probabilities[i * numClasses + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** ROC AUC of `scores` for labels 0/1 (rank-sum, average ranks for ties); undefined when one class is absent. */
export function binaryAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | undefined {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) {
      positives++;
      rankSum += ranks[i]!;
    }
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return undefined;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Which metric picks a model, and whether higher is better. */
export interface SelectionMetric {
  readonly name: 'rmse' | 'accuracy' | 'balancedAccuracy';
  readonly higherIsBetter: boolean;
}

export function metricValue(metrics: FitMetrics, name: SelectionMetric['name']): number {
  return (metrics as unknown as Record<string, number>)[name]!;
}
