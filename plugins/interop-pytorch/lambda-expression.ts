import { Parser } from 'expr-eval';
import { ValidationError, describeValue } from '../../src/core/errors.js';

/**
 * PyTorch's `lr_lambda` (and CyclicLR's `scale_fn`) are Python callables; a JSON spec carries them as
 * arithmetic expressions, e.g. `"0.95 ^ epoch"`, `"floor(epoch / 30)"`, `"epoch < 5 ? (epoch + 1) / 5 : 1"`.
 * They are parsed by expr-eval, never `eval`: no member access, no assignment, no function
 * definitions, no randomness (a schedule must be pure). Python's `**` is accepted as a synonym of `^`.
 */
const parser = new Parser({
  allowMemberAccess: false,
  operators: {
    assignment: false,
    fndef: false,
    in: false,
    random: false,
    concatenate: false,
    length: false,
  },
});
// Only numeric functions stay callable (min, max, pow, hypot, atan2, if, gamma, fac, roundTo):
// the array/string helpers take functions or arrays and are no part of a learning-rate formula.
for (const name of ['random', 'map', 'fold', 'filter', 'indexOf', 'join']) delete parser.functions[name];
const FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(parser.functions));

export type CompiledLambda = (value: number) => number;

function invalid(expression: unknown, argument: string, why: string, where: string): never {
  throw new ValidationError(
    'INVALID_LAMBDA',
    `${where}: \`${argument}\` must be an arithmetic expression in \`epoch\`-style variables (e.g. "0.95 ^ epoch"); ${why}. Received: ${argument}=${describeValue(expression)}.`,
    { argument, received: expression, reason: why },
  );
}

/**
 * Compiles `expression` with the single free variable `variable` (`epoch` for lr_lambda, `x` for scale_fn).
 * A number is accepted as a constant expression (`"lr_lambda": 0.9`).
 */
export function compileLambda(expression: unknown, argument: string, variable: string, where: string): CompiledLambda {
  if (typeof expression === 'number') {
    if (!Number.isFinite(expression)) invalid(expression, argument, 'a constant must be finite', where);
    return () => expression;
  }
  if (typeof expression !== 'string' || expression.trim() === '') {
    invalid(expression, argument, 'expected a non-empty string', where);
  }
  let parsed;
  try {
    parsed = parser.parse(expression.replace(/\*\*/g, '^'));
  } catch (err) {
    invalid(expression, argument, `it does not parse (${(err as Error).message})`, where);
  }
  const unknown = parsed.variables().filter((v) => v !== variable);
  if (unknown.length > 0) {
    invalid(expression, argument, `unknown name(s) ${unknown.join(', ')}; only \`${variable}\` is defined`, where);
  }
  // A function name used as a value (e.g. "gamma ^ epoch") would silently become NaN or 1.
  for (const name of parsed.symbols().filter((v) => v !== variable)) {
    const uses = expression.match(new RegExp(`\\b${name}\\b(?!\\s*\\()`, 'g'));
    if (!FUNCTIONS.has(name) || uses) {
      invalid(expression, argument, `\`${name}\` is a function, not a variable; only \`${variable}\` is defined`, where);
    }
  }
  const fn: CompiledLambda = (value) => {
    let out: unknown;
    try {
      out = parsed.evaluate({ [variable]: value });
    } catch (err) {
      invalid(expression, argument, `evaluating it at ${variable}=${value} failed (${(err as Error).message})`, where);
    }
    if (typeof out === 'boolean') return out ? 1 : 0;
    if (typeof out !== 'number' || !Number.isFinite(out)) {
      invalid(expression, argument, `it gives ${describeValue(out)} at ${variable}=${value}, not a finite number`, where);
    }
    return out;
  };
  fn(0); // fail at build time, not mid-training, on expressions that cannot give a number
  return fn;
}
