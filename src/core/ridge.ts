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
