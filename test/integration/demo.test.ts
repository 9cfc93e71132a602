import { main } from '../../src/cli/main.js';

/** `metatune demo` end to end, small: real digits data, real model.fit, the real CLI. */
describe('metatune demo', () => {
  it('trains tfjs defaults and a schedule on digits and prints both side by side', async () => {
    let out = '';
    let err = '';
    const code = await main(['node', 'metatune', 'demo', '--epochs', '3', '--repeats', '1', '--backend', 'wasm'], {
      stdout: (s) => void (out += s),
      stderr: (s) => void (err += s),
      cwd: process.cwd(),
    });
    expect(err).toMatch(/backend: wasm/);
    expect(code).toBe(0);
    expect(out).toMatch(/tfjs defaults/);
    expect(out).toMatch(/metatune schedule/);
    expect(out).toMatch(/one_cycle/);
    // Three epochs of an MLP on standardised digits land well above chance (0.1) on validation.
    const accs = [...out.matchAll(/│ (0\.\d{4}) +│ (0\.\d{4}) +│/g)].map((m) => Number(m[1]));
    expect(accs).toHaveLength(2);
    for (const acc of accs) expect(acc).toBeGreaterThan(0.8);
  });

  it('prints JSON with --json, and the schedule run really follows its schedule', async () => {
    let out = '';
    const code = await main(
      ['node', 'metatune', 'demo', '--epochs', '2', '--repeats', '1', '--json', '--backend', 'wasm', '--schedule', '{"family": "constant", "params": {"learningRate": 0.0}}'],
      { stdout: (s) => void (out += s), stderr: () => undefined, cwd: process.cwd() },
    );
    expect(code).toBe(0);
    const results = JSON.parse(out) as Array<{ label: string; finalValAcc: number }>;
    expect(results.map((r) => r.label)).toEqual(['tfjs defaults', 'metatune schedule']);
    // A learning rate of 0 never moves the weights: the scheduled run stays near chance, the default one learns.
    expect(results[1].finalValAcc).toBeLessThan(0.35);
    expect(results[0].finalValAcc).toBeGreaterThan(0.8);
  });

  it('rejects a bad option with a typed error', async () => {
    let err = '';
    const code = await main(['node', 'metatune', 'demo', '--epochs', '0'], { stdout: () => undefined, stderr: (s) => void (err += s), cwd: process.cwd() });
    expect(code).toBe(1);
    expect(err).toMatch(/error\[INVALID_PARAMETER\]: `--epochs` must be an integer >= 1\. Received: --epochs=0\./);
  });
});
