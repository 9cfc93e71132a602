/**
 * Jest runs each test file in its own vm realm, so a Float32Array made there is not an
 * `instanceof Float32Array` of the main realm, where onnxruntime-node's native binding builds its
 * output tensors (onnxruntime-common then throws "A float32 tensor's data must be type of …").
 * Test files that run an ONNX model opt into this environment (`@jest-environment
 * ./test/setup/onnx-environment.cjs`), which hands the realm the host's typed-array constructors.
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED = ['Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer'];

class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxEnvironment;
