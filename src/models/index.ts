/** Model zoo barrel: the contract and the helpers to compile zoo models (the entries come from plugins, through src/index.ts). */
export type { ModelInputSpec, ModelOutputSpec, ModelZooEntry } from './model-zoo.js';
export { compileFor, checkOutput, type CompileForArgs } from './compile.js';
