/**
 * Solves the ridge normal equations (AᵀA + λD) W = AᵀY for every target column at once, by Gaussian
 * elimination with partial pivoting in float64. D is the identity except for the bias row (the
 * intercept is not shrunk, as in scikit-learn's Ridge). Small (features + 1)² systems only: the
 * landmark subsample keeps this cheap. A pivot below 1e-12 × the largest diagonal entry means the
 * column is redundant (constant or duplicated feature with λ = 0): its weight is set to 0.
 */
export function ridgeFit(x: Float64Array, n: number, d: number, y: Float64Array, k: number, lambda: number): Float64Array {
  const p = d + 1; // last column is the bias
  const a = new Float64Array(p * p);
  const b = new Float64Array(p * k);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j]!;
    row[d] = 1;
    for (let r = 0; r < p; r++) {
      const v = row[r]!;
      if (v === 0) continue;
      for (let c = r; c < p; c++) a[r * p + c] += v * row[c]!;
      for (let t = 0; t < k; t++) b[r * k + t] += v * y[i * k + t]!;
    }
  }
  for (let r = 0; r < p; r++) for (let c = 0; c < r; c++) a[r * p + c] = a[c * p + r]!;
  for (let j = 0; j < d; j++) a[j * p + j] += lambda;

  let scale = 0;
  for (let r = 0; r < p; r++) scale = Math.max(scale, Math.abs(a[r * p + r]!));
  const tiny = 1e-12 * (scale || 1);
  const pivotCol: number[] = [];
  // Forward elimination on [a | b].
  let r = 0;
  for (let c = 0; c < p && r < p; c++) {
    let best = r;
    for (let i = r + 1; i < p; i++) if (Math.abs(a[i * p + c]!) > Math.abs(a[best * p + c]!)) best = i;
    if (Math.abs(a[best * p + c]!) <= tiny) continue;
    if (best !== r) {
      for (let j = 0; j < p; j++) [a[r * p + j], a[best * p + j]] = [a[best * p + j]!, a[r * p + j]!];
      for (let t = 0; t < k; t++) [b[r * k + t], b[best * k + t]] = [b[best * k + t]!, b[r * k + t]!];
    }
    for (let i = r + 1; i < p; i++) {
      const f = a[i * p + c]! / a[r * p + c]!;
      if (f === 0) continue;
      for (let j = c; j < p; j++) a[i * p + j] -= f * a[r * p + j]!;
      for (let t = 0; t < k; t++) b[i * k + t] -= f * b[r * k + t]!;
    }
    pivotCol.push(c);
    r++;
  }
  // Back substitution; columns without a pivot keep weight 0.
  const w = new Float64Array(p * k);
  for (let ri = pivotCol.length - 1; ri >= 0; ri--) {
    const c = pivotCol[ri]!;
    for (let t = 0; t < k; t++) {
      let s = b[ri * k + t]!;
      for (let j = c + 1; j < p; j++) s -= a[ri * p + j]! * w[j * k + t]!;
      w[c * k + t] = s / a[ri * p + c]!;
    }
  }
  return w;
}

/** Predictions X·W[:d] + W[d] for n rows, k outputs each. */
export function ridgePredict(x: Float64Array, n: number, d: number, w: Float64Array, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      let s = w[d * k + t]!;
      for (let j = 0; j < d; j++) s += x[i * d + j]! * w[j * k + t]!;
      out[i * k + t] = s;
    }
  }
  return out;
}

/**
 * Weighted ridge on small dense data: minimises Σ wᵢ (yᵢ − b − xᵢ·β)² + λ‖β‖², intercept b not
 * shrunk. Solved on weighted-centred data by Gaussian elimination with partial pivoting.
 */
export function weightedRidge(xs: readonly (readonly number[])[], ys: readonly number[], ws: readonly number[], lambda: number): { coef: number[]; intercept: number } {
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const wSum = ws.reduce((a, b) => a + b, 0);
  const xm = new Array<number>(d).fill(0);
  let ym = 0;
  for (let i = 0; i < n; i++) {
    ym += (ws[i]! * ys[i]!) / wSum;
    for (let j = 0; j < d; j++) xm[j]! += (ws[i]! * xs[i]![j]!) / wSum;
  }
  // Augmented system [A | b] with A = XcᵀWXc + λI, b = XcᵀW yc.
  const a = Array.from({ length: d }, () => new Array<number>(d + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const w = ws[i]!;
    if (w === 0) continue;
    const yc = ys[i]! - ym;
    for (let j = 0; j < d; j++) {
      const xj = xs[i]![j]! - xm[j]!;
      for (let k = 0; k < d; k++) a[j]![k]! += w * xj * (xs[i]![k]! - xm[k]!);
      a[j]![d]! += w * xj * yc;
    }
  }
  for (let j = 0; j < d; j++) a[j]![j]! += lambda;
  for (let col = 0; col < d; col++) {
    let piv = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let k = col; k <= d; k++) a[r]![k]! -= f * a[col]![k]!;
    }
  }
  const coef = a.map((row, j) => (Math.abs(row[j]!) < 1e-12 ? 0 : row[d]! / row[j]!));
  const intercept = ym - coef.reduce((s, c, j) => s + c * xm[j]!, 0);
  return { coef, intercept };
}
