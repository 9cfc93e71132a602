/**
 * The gradient kernels metatune registers for wasm are checked against tfjs' cpu backend (whose
 * kernels are plain loops) on the same inputs, then used by real `model.fit` runs on digits.
 * Dilated cases have no cpu reference kernel (tfjs' conv gradients refuse dilations > 1 and the cpu
 * backprop kernels ignore the attribute), so their reference is the cpu gradient of the same
 * convolution written with an explicitly zero-dilated filter.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveBackend } from '../../../src/tfjs/backend.js';
import { WASM_GRADIENT_KERNELS, registerWasmGradientKernels } from '../../../src/tfjs/wasm-kernels/index.js';
import { digitsTensors } from '../../helpers/digits.js';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Deterministic values in [-1, 1) (an LCG), so cpu and wasm see identical inputs. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const rand = (shape: number[], seed: number) => tf.tensor(values(size(shape), seed), shape);

/** Runs `fn` with `backend` current and returns plain arrays (tensors are freed). */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const outs = tf.tidy(fn);
  const data = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return data;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The filter with `d - 1` zeros between taps: conv(x, dilate(w)) ≡ conv(x, w, dilations = d). Differentiable. */
function dilateFilter(w: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [fh, fw, a, b] = w.shape;
  const spread = tf.pad(w.reshape([fh, 1, fw, 1, a, b]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return tf.reshape<tf.Rank.R4>(spread, [fh * dh, fw * dw, a, b]).slice([0, 0, 0, 0], [(fh - 1) * dh + 1, (fw - 1) * dw + 1, a, b]);
}

beforeAll(async () => {
  const info = await resolveBackend({ preferred: 'wasm', quiet: true });
  expect(info.name).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('registration', () => {
  it('covers exactly the gradient kernels tfjs 4.22 wasm lacks and is idempotent', () => {
    const names = WASM_GRADIENT_KERNELS.map((k) => k.kernelName).sort();
    expect(names).toEqual(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
    for (const name of names) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(registerWasmGradientKernels()).toEqual([]);
    // Conv2DBackpropInput, MaxPoolGrad and AvgPoolGrad ship with wasm itself.
    for (const name of ['Conv2DBackpropInput', 'MaxPoolGrad', 'AvgPoolGrad']) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('is what makes conv training possible: without it the filter gradient fails on wasm', async () => {
    await tf.setBackend('wasm');
    const config = tf.getKernel('Conv2DBackpropFilter', 'wasm')!;
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    try {
      const x = rand([1, 4, 4, 1], 1);
      const w = rand([2, 2, 1, 1], 2);
      expect(() => tf.grad((f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').sum())(w)).toThrow(
        /Conv2DBackpropFilter.*not registered/,
      );
      tf.dispose([x, w]);
    } finally {
      tf.registerKernel(config);
    }
  });
});

describe('conv2d gradients on wasm match cpu', () => {
  const cases: Array<{ x: number[]; f: number[]; strides: number | [number, number]; pad: Pad }> = [
    { x: [1, 5, 5, 1], f: [3, 3, 1, 1], strides: 1, pad: 'valid' },
    { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [2, 8, 8, 2], f: [3, 3, 2, 5], strides: 2, pad: 'same' },
    { x: [3, 9, 7, 2], f: [2, 3, 2, 3], strides: 2, pad: 'valid' },
    { x: [2, 7, 8, 2], f: [3, 2, 2, 3], strides: 3, pad: 'same' }, // trailing rows the conv never reads
    { x: [2, 6, 6, 3], f: [3, 3, 3, 2], strides: [1, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
    { x: [2, 6, 5, 2], f: [3, 3, 2, 2], strides: 2, pad: 1 },
    { x: [4, 8, 8, 1], f: [5, 5, 1, 8], strides: 1, pad: 'same' },
  ];

  it.each(cases)('x=$x f=$f strides=$strides pad=$pad', async ({ x: xs, f: fs, strides, pad }) => {
    const grads = () => {
      const x = rand(xs, 11) as tf.Tensor4D;
      const f = rand(fs, 12) as tf.Tensor4D;
      const y = tf.conv2d(x, f, strides, pad as 'same');
      const r = rand(y.shape, 13); // non-uniform upstream gradient
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad as 'same').mul(r).sum());
      return g([x, f]);
    };
    const [dxCpu, dfCpu] = await on('cpu', grads);
    const [dxWasm, dfWasm] = await on('wasm', grads);
    expect(maxAbsDiff(dfWasm!, dfCpu!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(dxWasm!, dxCpu!)).toBeLessThan(1e-4);
    expect(Math.max(...dfCpu!.map(Math.abs))).toBeGreaterThan(0.1); // not a vacuous all-zero comparison
  });

  it('NCHW filter gradient (kernel called directly) matches cpu', async () => {
    const attrs = { strides: [2, 1], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 2, 3, 4] };
    const run = () => {
      const x = rand([2, 3, 7, 6], 21);
      const dy = rand([2, 4, 4, 6], 22);
      return [tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor];
    };
    const [cpu] = await on('cpu', run);
    const [wasm] = await on('wasm', run);
    expect(maxAbsDiff(wasm!, cpu!)).toBeLessThan(1e-4);
  });

  it.each([
    { dilations: [2, 2] as [number, number], pad: 'valid' as const },
    { dilations: [2, 3] as [number, number], pad: 'same' as const },
  ])('dilated filter gradient $dilations $pad matches the zero-dilated-filter reference', async ({ dilations, pad }) => {
    const x = () => rand([2, 9, 10, 2], 31) as tf.Tensor4D;
    const f = () => rand([3, 2, 2, 3], 32) as tf.Tensor4D;
    const [ref] = await on('cpu', () => {
      const y = tf.conv2d(x(), dilateFilter(f(), dilations), 1, pad);
      const r = rand(y.shape, 33);
      return [tf.grad((w: tf.Tensor) => tf.conv2d(x(), dilateFilter(w as tf.Tensor4D, dilations), 1, pad).mul(r).sum())(f())];
    });
    const [wasm] = await on('wasm', () => {
      const y = tf.conv2d(x(), f(), 1, pad, 'NHWC', dilations);
      const dy = rand(y.shape, 33);
      const attrs = { strides: 1, pad, dataFormat: 'NHWC', filterShape: [3, 2, 2, 3], dilations };
      return [tf.engine().runKernel('Conv2DBackpropFilter', { x: x(), dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor];
    });
    expect(maxAbsDiff(wasm!, ref!)).toBeLessThan(1e-4);
  });

  it.each([
    ['Conv2DBackpropFilter', () => ({ x: rand([2, 8, 8, 2], 41), dy: rand([2, 4, 4, 4], 42) }), { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 4] }],
    ['DepthwiseConv2dNativeBackpropFilter', () => ({ x: rand([2, 8, 8, 2], 43), dy: rand([2, 4, 4, 4], 44) }), { strides: 2, dilations: 1, pad: 'same', filterShape: [3, 3, 2, 2] }],
    ['DepthwiseConv2dNativeBackpropInput', () => ({ dy: rand([2, 4, 4, 4], 45), filter: rand([3, 3, 2, 2], 46) }), { strides: 2, dilations: 1, pad: 'same', inputShape: [2, 8, 8, 2] }],
    ['UnsortedSegmentSum', () => ({ x: rand([5, 3], 47), segmentIds: tf.tensor1d([0, 2, 2, 9, 1], 'int32') }), { numSegments: 3 }],
  ] as const)('%s frees its intermediates and leaves its inputs alive', async (name, makeInputs, attrs) => {
    await tf.setBackend('wasm');
    const inputs = makeInputs() as Record<string, tf.Tensor>;
    const copies = Object.values(inputs).map((t) => t.dataSync().slice());
    const before = tf.memory().numTensors;
    const out = tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    expect(tf.memory().numTensors).toBe(before + 1);
    // Inputs still readable with their original values (a wrapper freed by tidy must not free them).
    Object.values(inputs).forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(copies[i]!)));
    out.dispose();
    tf.dispose(Object.values(inputs));
    expect(tf.memory().numTensors).toBe(before - Object.keys(inputs).length);
  });
});

describe('depthwise conv2d gradients on wasm match cpu', () => {
  const cases: Array<{ x: number[]; f: number[]; strides: number; pad: Pad }> = [
    { x: [2, 6, 6, 3], f: [3, 3, 3, 1], strides: 1, pad: 'same' },
    { x: [2, 7, 7, 2], f: [3, 3, 2, 2], strides: 2, pad: 'valid' },
    { x: [3, 8, 6, 3], f: [2, 3, 3, 2], strides: 2, pad: 'same' },
    { x: [1, 6, 6, 2], f: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  ];

  it.each(cases)('x=$x f=$f strides=$strides pad=$pad', async ({ x: xs, f: fs, strides, pad }) => {
    const grads = () => {
      const x = rand(xs, 51) as tf.Tensor4D;
      const f = rand(fs, 52) as tf.Tensor4D;
      const y = tf.depthwiseConv2d(x, f, strides, pad as 'same');
      const r = rand(y.shape, 53);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad as 'same').mul(r).sum())([x, f]);
    };
    const [dxCpu, dfCpu] = await on('cpu', grads);
    const [dxWasm, dfWasm] = await on('wasm', grads);
    expect(maxAbsDiff(dfWasm!, dfCpu!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(dxWasm!, dxCpu!)).toBeLessThan(1e-4);
  });

  it('dilated depthwise gradients (kernels called directly) match the zero-dilated-filter reference', async () => {
    const dilations: [number, number] = [2, 2];
    const xShape: [number, number, number, number] = [2, 9, 8, 2];
    const fShape: [number, number, number, number] = [3, 2, 2, 2];
    const x = () => rand(xShape, 61) as tf.Tensor4D;
    const f = () => rand(fShape, 62) as tf.Tensor4D;
    const [refDx, refDf] = await on('cpu', () => {
      const y = tf.depthwiseConv2d(x(), dilateFilter(f(), dilations), 1, 'same');
      const r = rand(y.shape, 63);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.depthwiseConv2d(a as tf.Tensor4D, dilateFilter(b as tf.Tensor4D, dilations), 1, 'same').mul(r).sum())([x(), f()]);
    });
    const [dx, df] = await on('wasm', () => {
      const y = tf.depthwiseConv2d(x(), f(), 1, 'same', 'NHWC', dilations);
      const dy = rand(y.shape, 63);
      const common = { strides: 1, dilations, pad: 'same' };
      return [
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f() }, { ...common, inputShape: xShape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: x(), dy }, { ...common, filterShape: fShape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      ];
    });
    expect(maxAbsDiff(dx!, refDx!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(df!, refDf!)).toBeLessThan(1e-4);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows into segments like the cpu backend, dropping out-of-range ids', async () => {
    const ids = [3, 0, 3, -1, 5, 1, 0, 7, 3];
    const run = () => [tf.unsortedSegmentSum(rand([9, 2, 3], 71), tf.tensor1d(ids, 'int32'), 6)];
    const [cpu] = await on('cpu', run);
    const [wasm] = await on('wasm', run);
    expect(maxAbsDiff(wasm!, cpu!)).toBeLessThan(1e-6);
    // A hand-checkable case: segment 0 gets rows 0 and 2; segment 1 nothing; id 9 is dropped.
    const [small] = await on('wasm', () => [tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), tf.tensor1d([0, 2, 0, 9], 'int32'), 3)]);
    expect(Array.from(small!)).toEqual([6, 8, 0, 0, 3, 4]);
  });

  it('works for int32 values and 1-D inputs', async () => {
    const [out] = await on('wasm', () => [tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 1, 0, 1], 'int32'), 2)]);
    expect(Array.from(out!)).toEqual([3, 7]);
  });

  it('gives the embedding (gather) gradient of the cpu backend', async () => {
    const grad = () => {
      const table = rand([17, 4], 81);
      const idx = tf.tensor2d([[1, 5, 5, 16], [0, 1, 1, 1], [16, 3, 2, 5]], [3, 4], 'int32');
      const r = rand([3, 4, 4], 82);
      return [tf.grad((t: tf.Tensor) => tf.gather(t, idx).mul(r).sum())(table)];
    };
    const [cpu] = await on('cpu', grad);
    const [wasm] = await on('wasm', grad);
    expect(maxAbsDiff(wasm!, cpu!)).toBeLessThan(1e-5);
  });
});

describe('model.fit on wasm with real data (digits)', () => {
  async function fitLosses(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, epochs: number): Promise<number[]> {
    await tf.setBackend('wasm');
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const h = await model.fit(x, y, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
    expect(tf.getBackend()).toBe('wasm');
    return h.history.loss as number[];
  }

  it('a small CNN (conv2d + maxPool + dense) trains: loss finite and decreasing', async () => {
    await tf.setBackend('wasm');
    const { x, y, labels } = digitsTensors({ limit: 600, layout: 'image' });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 8, kernelSize: 2, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    const losses = await fitLosses(model, x, y, 3);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    expect(losses[2]!).toBeLessThan(Math.log(10)); // better than uniform guessing
    tf.dispose([x, y, labels]);
    model.dispose();
  });

  it('an embedding model (pixel intensities as tokens) trains', async () => {
    await tf.setBackend('wasm');
    const { x, y, labels } = digitsTensors({ limit: 600 });
    const tokens = tf.tidy(() => x.mul(16).round().toInt()); // 0..16
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 17, outputDim: 4, inputLength: 64, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 4 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      ],
    });
    const before = (model.layers[0]!.getWeights()[0]!.dataSync() as Float32Array).slice();
    const losses = await fitLosses(model, tokens, y, 2);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[1]!).toBeLessThan(losses[0]!);
    // The embedding table itself moved (its gradient is the segment sum).
    expect(maxAbsDiff(model.layers[0]!.getWeights()[0]!.dataSync() as Float32Array, before)).toBeGreaterThan(1e-3);
    tf.dispose([x, y, labels, tokens]);
    model.dispose();
  });

  it('a depthwise-conv model trains', async () => {
    await tf.setBackend('wasm');
    const { x, y, labels } = digitsTensors({ limit: 400, layout: 'image' });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
      ],
    });
    const losses = await fitLosses(model, x, y, 2);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[1]!).toBeLessThan(losses[0]!);
    tf.dispose([x, y, labels]);
    model.dispose();
  });
});
