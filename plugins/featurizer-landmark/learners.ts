/**
 * The three landmark learners and their scores, on plain float64 arrays. Each is deterministic:
 * ties break towards the lower index (row, feature, class), so the same subsample gives the same
 * number everywhere.
 */

/** Index of the largest value; the first one on ties. */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

export function accuracy(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (truth.length === 0) return 0;
  let hit = 0;
  for (let i = 0; i < truth.length; i++) if (pred[i] === truth[i]) hit++;
  return hit / truth.length;
}

/**
 * R² = 1 − SS_res / SS_tot with SS_tot around the validation mean (scikit-learn's `r2_score`),
 * clipped to [-1, 1]: a bad learner's R² is unbounded below and would dominate a feature vector.
 * A constant validation target gives 1 for an exact fit, else 0 (scikit-learn's convention).
 */
export function r2(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = truth.length;
  if (n === 0) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (truth[i]! - pred[i]!) ** 2;
    tot += (truth[i]! - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return Math.max(-1, Math.min(1, 1 - res / tot));
}

/** For each query row, the index of its nearest reference row (squared Euclidean; first on ties). */
export function nearestNeighbours(ref: Float64Array, nRef: number, query: Float64Array, nQuery: number, d: number): Int32Array {
  const out = new Int32Array(nQuery);
  for (let q = 0; q < nQuery; q++) {
    let best = -1;
    let bestDist = Infinity;
    for (let r = 0; r < nRef; r++) {
      let dist = 0;
      for (let j = 0; j < d && dist < bestDist; j++) {
        const diff = query[q * d + j]! - ref[r * d + j]!;
        dist += diff * diff;
      }
      if (dist < bestDist) {
        bestDist = dist;
        best = r;
      }
    }
    out[q] = best;
  }
  return out;
}

export interface Stump {
  /** Feature split on; -1 when no split helps (every feature constant): predicts `left` everywhere. */
  readonly feature: number;
  /** Rows with value <= threshold go left. */
  readonly threshold: number;
  readonly left: number;
  readonly right: number;
}

/**
 * Best single-feature threshold split on the training rows (a depth-1 decision tree). Thresholds
 * are midpoints between consecutive distinct values. Classification minimises misclassified rows
 * (each side predicts its majority class); regression minimises the summed squared error (each
 * side predicts its mean). The first (feature, threshold) reaching the minimum wins.
 */
export function fitStump(x: Float64Array, n: number, d: number, y: ArrayLike<number>, numClasses: number | undefined): Stump {
  const classification = numClasses !== undefined;
  const order = Array.from({ length: n }, (_, i) => i);
  // The no-split stump: majority class / mean everywhere.
  const whole = leafValue(order, y, numClasses);
  let best: Stump = { feature: -1, threshold: 0, left: whole.value, right: whole.value };
  let bestCost = whole.cost;
  for (let j = 0; j < d; j++) {
    const idx = [...order].sort((a, b) => x[a * d + j]! - x[b * d + j]! || a - b);
    if (classification) {
      const k = numClasses!;
      const left = new Array<number>(k).fill(0);
      const right = new Array<number>(k).fill(0);
      for (const i of idx) right[y[i]!]!++;
      for (let s = 0; s < n - 1; s++) {
        const c = y[idx[s]!]!;
        left[c]!++;
        right[c]!--;
        const v = x[idx[s]! * d + j]!;
        const next = x[idx[s + 1]! * d + j]!;
        if (v === next) continue;
        const cost = n - Math.max(...left) - Math.max(...right);
        if (cost < bestCost) {
          bestCost = cost;
          best = { feature: j, threshold: (v + next) / 2, left: argmax(left), right: argmax(right) };
        }
      }
    } else {
      let sumL = 0;
      let sqL = 0;
      let sumR = 0;
      let sqR = 0;
      for (const i of idx) {
        sumR += y[i]!;
        sqR += y[i]! ** 2;
      }
      for (let s = 0; s < n - 1; s++) {
        const t = y[idx[s]!]!;
        sumL += t;
        sqL += t * t;
        sumR -= t;
        sqR -= t * t;
        const v = x[idx[s]! * d + j]!;
        const next = x[idx[s + 1]! * d + j]!;
        if (v === next) continue;
        const nl = s + 1;
        const nr = n - nl;
        const cost = sqL - (sumL * sumL) / nl + (sqR - (sumR * sumR) / nr);
        // Relative margin: float rounding must not make an equal split look better.
        if (cost < bestCost - 1e-12 * Math.max(1, Math.abs(bestCost))) {
          bestCost = cost;
          best = { feature: j, threshold: (v + next) / 2, left: sumL / nl, right: sumR / nr };
        }
      }
    }
  }
  return best;
}

/** Majority class (first on ties) with its error count, or the mean with its squared error. */
export function leafValue(rows: readonly number[], y: ArrayLike<number>, numClasses: number | undefined): { value: number; cost: number } {
  if (numClasses !== undefined) {
    const counts = new Array<number>(numClasses).fill(0);
    for (const i of rows) counts[y[i]!]!++;
    const value = argmax(counts);
    return { value, cost: rows.length - counts[value]! };
  }
  let sum = 0;
  for (const i of rows) sum += y[i]!;
  const mean = rows.length ? sum / rows.length : 0;
  let cost = 0;
  for (const i of rows) cost += (y[i]! - mean) ** 2;
  return { value: mean, cost };
}

export function predictStump(s: Stump, x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = s.feature < 0 || x[i * d + s.feature]! <= s.threshold ? s.left : s.right;
  return out;
}
