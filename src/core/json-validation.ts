import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { NotFoundError, SchemaValidationError, describeValue } from './errors.js';

/**
 * JSON Schema validation (ajv, draft 2020-12) with messages people can act on. Every problem reads
 *   `<file>: <JSON pointer>: expected <what>, found <what>`
 * e.g. `metatune.config.json: /plugins/0: expected string, found 42`. For `oneOf` / `anyOf` only the
 * most relevant branch is reported (the one whose keys the document uses), because ajv's raw
 * output lists every branch's failures and buries the one the user meant.
 */

/** One schema problem, also in `SchemaValidationError.details.errors`. */
export interface SchemaProblem {
  readonly file: string;
  /** JSON pointer into the document ("" is the whole document; printed as "/"). */
  readonly pointer: string;
  readonly expected: string;
  readonly found: string;
}

export interface ValidateOptions {
  /** Name used in messages: a path, or a label such as "--spec". Defaults to "<document>". */
  readonly file?: string;
  /** Pointer prefix when `doc` is part of a larger document (e.g. "/params"). Defaults to "". */
  readonly pointer?: string;
}

const SCHEMA_BASE = 'https://metatune.dev/schemas/';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

let ajvInstance: Ajv2020 | undefined;
/** Loaded schema documents, searched by identity to locate the schema node an error came from. */
const schemaDocs: Array<{ id: string; schema: Record<string, unknown> }> = [];
const compiledByObject = new WeakMap<object, ValidateFunction>();

/** The schemas/ folder: two levels up in the source tree, three in dist/ (found by walking up). */
function findSchemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(candidate, 'schedule-spec.schema.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new NotFoundError('SCHEMAS_NOT_FOUND', 'metatune cannot find its schemas/ folder. Reinstall metatune (the package ships schemas/ next to dist/).');
}

function ajv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  // verbose: errors carry the failing value and the schema node (needed to find oneOf branches).
  const instance = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true });
  addFormats(instance);
  const dir = findSchemasDir();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.schema.json')) continue;
    const schema = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    instance.addSchema(schema);
    schemaDocs.push({ id: String(schema.$id), schema });
  }
  ajvInstance = instance;
  return instance;
}

/** "config" or "config.schema.json" or the full `$id` → the full `$id`. */
export function schemaUri(schemaId: string): string {
  if (schemaId.includes('://')) return schemaId;
  return `${SCHEMA_BASE}${schemaId.endsWith('.schema.json') ? schemaId : `${schemaId}.schema.json`}`;
}

/** Ids of the schemas shipped in schemas/ (short form, e.g. "schedule-spec"). */
export function schemaIds(): string[] {
  ajv();
  return schemaDocs.map((d) => d.id.slice(SCHEMA_BASE.length).replace(/\.schema\.json$/, ''));
}

function validatorFor(schemaId: string): ValidateFunction {
  const uri = schemaUri(schemaId);
  const v = ajv().getSchema(uri);
  if (!v) throw new NotFoundError('UNKNOWN_SCHEMA', `Unknown schema "${schemaId}". Valid choices: ${schemaIds().join(', ')}.`, { schemaId });
  return v;
}

function validatorForObject(schema: object): ValidateFunction {
  let v = compiledByObject.get(schema);
  if (!v) {
    v = ajv().compile(schema);
    compiledByObject.set(schema, v);
  }
  return v;
}

/** Problems of `doc` against a shipped schema ("config", "schedule-spec", "plugin-manifest", …); [] when valid. */
export function schemaProblems(schemaId: string, doc: unknown, options: ValidateOptions = {}): SchemaProblem[] {
  const validate = validatorFor(schemaId);
  if (validate(doc)) return [];
  return explain(validate.errors ?? [], doc, options);
}

/**
 * Validates `doc` against a shipped schema; throws `SchemaValidationError` (`SCHEMA_VALIDATION_FAILED`)
 * listing every problem, one per line. Returns `doc` typed as `T` for convenience.
 */
export function validateDocument<T = unknown>(schemaId: string, doc: unknown, options: ValidateOptions = {}): T {
  throwIfProblems(schemaProblems(schemaId, doc, options), schemaId);
  return doc as T;
}

/** Same as `validateDocument` for a schema object (e.g. a family's `paramsSchema`); compiled once per object. */
export function validateWithSchema<T = unknown>(schema: object, doc: unknown, options: ValidateOptions = {}): T {
  const validate = validatorForObject(schema);
  if (!validate(doc)) throwIfProblems(explain(validate.errors ?? [], doc, options), String((schema as { $id?: string }).$id ?? 'inline schema'));
  return doc as T;
}

function throwIfProblems(problems: SchemaProblem[], schema: string): void {
  if (problems.length === 0) return;
  throw new SchemaValidationError('SCHEMA_VALIDATION_FAILED', problems.map(formatProblem).join('\n'), { schema, errors: problems });
}

export function formatProblem(p: SchemaProblem): string {
  return `${p.file}: ${p.pointer === '' ? '/' : p.pointer}: expected ${p.expected}, found ${p.found}`;
}

// ---------------------------------------------------------------------------------------------
// Turning ajv errors into problems

interface Ctx {
  readonly root: unknown;
  readonly file: string;
  readonly prefix: string;
}

function explain(errors: readonly ErrorObject[], doc: unknown, options: ValidateOptions): SchemaProblem[] {
  const ctx: Ctx = { root: doc, file: options.file ?? '<document>', prefix: options.pointer ?? '' };
  const problems = inDocumentOrder(explainErrors(errors, ctx), doc, ctx.prefix);
  // allErrors can report one problem twice (e.g. through two paths); keep the first of each.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Problems sorted as their places appear in the document (a missing key sorts with its parent), so messages read top to bottom. */
function inDocumentOrder(problems: SchemaProblem[], doc: unknown, prefix: string): SchemaProblem[] {
  const order = new Map<string, number>();
  const walk = (node: unknown, pointer: string) => {
    order.set(pointer, order.size);
    if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, `${pointer}/${escapePointerToken(k)}`);
    }
  };
  walk(doc, prefix);
  const rank = (pointer: string): number => {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const r = order.get(p);
      if (r !== undefined) return r;
      if (p === '' || !p.includes('/')) return -1;
    }
  };
  return problems.map((p, i) => ({ p, i, r: rank(p.pointer) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
}

function isFailedAlternative(e: ErrorObject): boolean {
  // oneOf with passingSchemas set means "matched more than one": reported as a plain problem.
  return (e.keyword === 'oneOf' || e.keyword === 'anyOf') && (e.params as { passingSchemas?: unknown }).passingSchemas == null;
}

function isUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

function explainErrors(errors: readonly ErrorObject[], ctx: Ctx): SchemaProblem[] {
  const alternatives = errors.filter(isFailedAlternative).sort((a, b) => a.instancePath.length - b.instancePath.length);
  const alt = alternatives[0];
  if (!alt) return errors.filter((e) => e.keyword !== 'if').map((e) => simpleProblem(e, ctx));
  // Everything at or below the alternative's instance comes from its branches: replaced by the best branch's errors.
  const rest = errors.filter((e) => !isUnder(e.instancePath, alt.instancePath));
  return [...explainErrors(rest, ctx), ...explainAlternative(alt, ctx)];
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Finds where a schema node sits among the loaded documents (ajv keeps object identity). */
function locate(node: unknown): { id: string; pointer: string } | undefined {
  for (const d of schemaDocs) {
    const found = search(d.schema, node, '');
    if (found !== undefined) return { id: d.id, pointer: found };
  }
  return undefined;
}

function search(here: unknown, target: unknown, pointer: string): string | undefined {
  if (here === target) return pointer;
  if (here === null || typeof here !== 'object') return undefined;
  for (const [k, v] of Object.entries(here)) {
    if (v !== null && typeof v === 'object') {
      const found = search(v, target, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

interface Branch {
  readonly schema: Record<string, unknown>;
  readonly validate: ValidateFunction;
}

/** Resolves one branch of an alternative to its validator and its (dereferenced) schema node. */
function branchAt(branch: Record<string, unknown>, index: number, keyword: string, parent: unknown): Branch {
  const ref = typeof branch.$ref === 'string' ? branch.$ref : undefined;
  const where = locate(parent);
  if (ref && where && ref.startsWith('#')) {
    const uri = `${where.id}${ref}`;
    const validate = ajv().getSchema(uri);
    if (validate) return { schema: validate.schema as Record<string, unknown>, validate };
  }
  if (where) {
    const validate = ajv().getSchema(`${where.id}#${where.pointer}/${keyword}/${index}`);
    if (validate) return { schema: branch, validate };
  }
  return { schema: branch, validate: validatorForObject(branch) };
}

function declaredProperties(schema: Record<string, unknown>): string[] {
  const props = schema.properties;
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

function explainAlternative(alt: ErrorObject, ctx: Ctx): SchemaProblem[] {
  const value = valueAt(ctx.root, alt.instancePath);
  const branches = (alt.schema as Array<Record<string, unknown>>).map((b, i) => branchAt(b, i, alt.keyword, alt.parentSchema));
  const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  const scored = branches.map((b, index) => {
    b.validate(value);
    const errors = (b.validate.errors ?? []).map((e) => ({ ...e, instancePath: alt.instancePath + e.instancePath }));
    const declared = declaredProperties(b.schema);
    return {
      index,
      errors,
      // Relevance: how many of the document's keys this branch knows (a spec with `family` is a native spec) …
      matched: keys.filter((k) => declared.includes(k)).length,
      // … then how few problems sit at the branch's own level (missing / unknown keys, wrong type).
      shallow: errors.filter((e) => e.instancePath === alt.instancePath).length,
      // A branch of the wrong JSON type (array branch for a number) is the least relevant.
      wrongType: errors.some((e) => e.instancePath === alt.instancePath && e.keyword === 'type') ? 1 : 0,
      total: errors.length,
    };
  });
  scored.sort((a, b) => b.matched - a.matched || a.wrongType - b.wrongType || a.shallow - b.shallow || a.total - b.total || a.index - b.index);
  const [best, second] = scored;
  const isPlainObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const ambiguous = !best || (isPlainObject && best.matched === 0) ||
    best.wrongType === 1 ||
    (second !== undefined && best.matched === second.matched && best.wrongType === second.wrongType && best.shallow === second.shallow && best.total === second.total);
  if (best && !ambiguous) return explainErrors(best.errors, ctx);
  const titles = branches.map((b, i) => String(b.schema.title ?? (b.schema.type !== undefined ? [b.schema.type].flat().join(' or ') : `alternative ${i + 1}`)));
  return [{ file: ctx.file, pointer: ctx.prefix + alt.instancePath, expected: `one of: ${titles.join(' | ')}`, found: describeValue(value) }];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function escapePointerToken(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function simpleProblem(e: ErrorObject, ctx: Ctx): SchemaProblem {
  const p = e.params as Record<string, unknown>;
  let pointer = ctx.prefix + e.instancePath;
  let expected: string;
  let found = describeValue(e.data);
  switch (e.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(',');
      expected = types.join(' or ');
      break;
    }
    case 'required':
      pointer = `${pointer}/${escapePointerToken(String(p.missingProperty))}`;
      expected = `required property "${String(p.missingProperty)}"`;
      found = 'nothing';
      break;
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const allowed = declaredProperties((e.parentSchema ?? {}) as Record<string, unknown>);
      pointer = `${pointer}/${escapePointerToken(name)}`;
      expected = allowed.length ? `one of the properties ${allowed.map((a) => `"${a}"`).join(', ')}` : 'no additional properties';
      found = `unknown property "${name}"`;
      break;
    }
    case 'enum':
      expected = `one of ${(p.allowedValues as unknown[]).map((v) => describeValue(v)).join(', ')}`;
      break;
    case 'const':
      expected = describeValue(p.allowedValue);
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      expected = `a number ${String(p.comparison)} ${String(p.limit)}`;
      break;
    case 'multipleOf':
      expected = `a multiple of ${String(p.multipleOf)}`;
      break;
    case 'minLength':
      expected = p.limit === 1 ? 'a non-empty string' : `a string of at least ${String(p.limit)} characters`;
      break;
    case 'maxLength':
      expected = `a string of at most ${String(p.limit)} characters`;
      break;
    case 'pattern':
      expected = `a string matching /${String(p.pattern)}/`;
      break;
    case 'format':
      expected = `a string in "${String(p.format)}" format`;
      break;
    case 'minItems':
      expected = `an array with at least ${String(p.limit)} items`;
      found = `${(e.data as unknown[]).length} items`;
      break;
    case 'maxItems':
      expected = `an array with at most ${String(p.limit)} items`;
      found = `${(e.data as unknown[]).length} items`;
      break;
    case 'uniqueItems':
      expected = 'unique items';
      found = `a duplicate at items ${String(p.j)} and ${String(p.i)}: ${describeValue((e.data as unknown[])[p.i as number])}`;
      break;
    case 'minProperties':
    case 'maxProperties':
      expected = `an object with ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(p.limit)} properties`;
      break;
    case 'oneOf':
      expected = 'exactly one of the alternatives to match';
      found = `${describeValue(e.data)} (matches alternatives ${JSON.stringify(p.passingSchemas)})`;
      break;
    default:
      // Keywords without a tailored phrase: ajv's own wording ("must NOT be valid", …).
      expected = `a value that ${String(e.message ?? e.keyword).replace(/^must /, 'does ').replace(/^does be /, 'is ')}`;
  }
  if (e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'const') {
    // "found 42" reads well; a type error on a container says what it was.
    if (e.data !== null && typeof e.data === 'object') found = `${jsonType(e.data)} ${found}`;
  }
  return { file: ctx.file, pointer, expected, found };
}

// ---------------------------------------------------------------------------------------------
// JSON parsing with positions (Node 20's JSON.parse messages carry no line/column)

/** Parses JSON text; a syntax error is `SchemaValidationError` `INVALID_JSON` naming file, line and column. */
export function parseJson(text: string, file = '<document>'): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const offset = findJsonErrorOffset(text);
    const { line, column } = lineColumn(text, offset);
    const near = offset >= text.length ? 'end of input' : JSON.stringify(text.slice(offset, offset + 12));
    throw new SchemaValidationError(
      'INVALID_JSON',
      `${file}:${line}:${column}: invalid JSON near ${near}${offset >= text.length ? '' : ` (${reason(err)})`}.`,
      { file, line, column, offset },
      { cause: err },
    );
  }
}

/** A path as messages show it: relative to the cwd when inside it, else absolute. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** V8's reason without its position (we give line and column) or its echo of the input. */
function reason(err: unknown): string {
  return String((err as Error).message ?? err)
    .replace(/, (\.\.\.)?"[\s\S]*$/, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
}

/** Reads and parses a JSON file. A missing file is `NotFoundError` `FILE_NOT_FOUND`. */
export function readJsonFile(path: string, label = path): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new NotFoundError(
      'FILE_NOT_FOUND',
      code === 'ENOENT' ? `${label}: no such file. Check the path (relative paths start from ${process.cwd()}).` : `${label}: cannot read the file (${code ?? String(err)}).`,
      { file: path },
      { cause: err },
    );
  }
  return parseJson(text.replace(/^\uFEFF/, ''), label);
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first character a strict JSON parser rejects (called only after JSON.parse failed). */
export function findJsonErrorOffset(text: string): number {
  let i = 0;
  class Stop {
    constructor(readonly at: number) {}
  }
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) throw new Stop(i);
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < ' ') throw new Stop(i);
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i);
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else throw new Stop(i);
      } else i++;
    }
    throw new Stop(i);
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-' || m[0] === '') throw new Stop(i);
    i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') throw new Stop(i);
        string();
        ws();
        if (text[i] !== ':') throw new Stop(i);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        throw new Stop(i);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        throw new Stop(i);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    throw new Stop(i);
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (e) {
    if (e instanceof Stop) return Math.min(e.at, text.length);
    throw e;
  }
}
