import { main } from '../../src/cli/main.js';
import { readFileSync } from 'node:fs';

/** The learner `npm run policy` chose for the bundled default policy. */
const DEFAULT_POLICY_LEARNER: string = JSON.parse(readFileSync(new URL('../../data/policy/manifest.json', import.meta.url), 'utf8')).chosen;

/** `metatune demo` end to end, small: `fit --compare` on the bundled anes96 survey with the default policy. */
describe('metatune demo', () => {
  it('fits the bundled example with the default policy and prints it beside tfjs defaults', async () => {
    let out = '';
    let err = '';
    const code = await main(['node', 'metatune', 'demo', '--epochs', '3', '--backend', 'wasm'], {
      stdout: (s) => void (out += s),
      stderr: (s) => void (err += s),
      cwd: process.cwd(),
    });
    expect(err).toMatch(/demo: metatune fit --data .*anes96\.csv --target vote --compare/);
    expect(code).toBe(0);
    expect(out).toMatch(/data: data\/examples\/anes96\.csv — 755 train \/ 189 validation rows, 9 inputs; target "vote": classification \(2 classes: Clinton, Dole\)/);
    expect(out).toMatch(new RegExp(`suggestion \\(${DEFAULT_POLICY_LEARNER}\\): `));
    expect(out).toMatch(/│ metatune fit +│/);
    expect(out).toMatch(/│ tfjs defaults +│ mlp-medium \/ adam 1e-3 \/ constant/);
    expect(out).toMatch(/relative gain over tfjs defaults: -?\d+\.\d% lower validation error rate/);
    // Party identification and left-right placements predict the vote: both runs far above the 58 % majority.
    const accs = [...out.matchAll(/│ (\d+\.\d)% +│ (\d+\.\d)% +│/g)].map((m) => Number(m[1]));
    expect(accs).toHaveLength(2);
    for (const acc of accs) expect(acc).toBeGreaterThan(80);
  });

  it('--json prints the fit summary; a bad option is a typed error', async () => {
    let out = '';
    let code = await main(['node', 'metatune', 'demo', '--epochs', '1', '--json', '--backend', 'wasm'], { stdout: (s) => void (out += s), stderr: () => undefined, cwd: process.cwd() });
    expect(code).toBe(0);
    const s = JSON.parse(out);
    expect(s.tfjsDefaults.candidate.id).toBe('tfjs-defaults/mlp-medium/adam/constant@1e-3');
    expect(s.result.candidate.epochs).toBe(1);
    let err = '';
    code = await main(['node', 'metatune', 'demo', '--epochs', '0'], { stdout: () => undefined, stderr: (s) => void (err += s), cwd: process.cwd() });
    expect(code).toBe(1);
    expect(err).toMatch(/error\[INVALID_PARAMETER\]: `--epochs` must be an integer >= 1\. Received: --epochs=0\./);
  });
});
