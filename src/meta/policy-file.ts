/**
 * Policy artifacts on disk: a directory with `policy.json` (schemas/policy.schema.json) and, for
 * learners with tensors, `weights.bin` (float32, little-endian) whose size and sha256 policy.json
 * records. A learner keeps its weights in the artifact as `payload.weights` (a number array) in
 * memory; on disk they move to the binary file, so policy.json stays readable.
 *
 * Writes are atomic (temp file + rename); reading a policy of another major format version or with
 * a weights file whose hash does not match is a typed error with the fix.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { displayPath, parseJson, validateDocument } from '../core/json-validation.js';
import { POLICY_FORMAT_VERSION, type PolicyArtifact } from './policy.js';

export const POLICY_FILE = 'policy.json';
export const WEIGHTS_FILE = 'weights.bin';

interface WeightsRef {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

function atomicWrite(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function payloadWeights(payload: unknown): number[] | undefined {
  if (payload && typeof payload === 'object' && Array.isArray((payload as { weights?: unknown }).weights)) {
    const w = (payload as { weights: unknown[] }).weights;
    if (w.length > 256 && w.every((x) => typeof x === 'number')) return w as number[];
  }
  return undefined;
}

/** Writes `artifact` into `dir` (created if missing). Large `payload.weights` go to weights.bin. */
export function writePolicy(dir: string, artifact: PolicyArtifact): { policyFile: string; weightsFile?: string } {
  mkdirSync(dir, { recursive: true });
  const weights = payloadWeights(artifact.payload);
  let doc: Record<string, unknown> = { ...artifact };
  let weightsFile: string | undefined;
  if (weights) {
    const buf = Buffer.from(new Float32Array(weights).buffer);
    weightsFile = join(dir, WEIGHTS_FILE);
    atomicWrite(weightsFile, buf);
    const ref: WeightsRef = { file: WEIGHTS_FILE, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') };
    doc = { ...doc, payload: { ...(artifact.payload as object), weights: `@${WEIGHTS_FILE}` }, weights: ref };
  }
  const policyFile = join(dir, POLICY_FILE);
  atomicWrite(policyFile, `${JSON.stringify(doc, null, 1)}\n`);
  return { policyFile, ...(weightsFile ? { weightsFile } : {}) };
}

/** Reads and validates a policy directory (or a policy.json path). */
export function readPolicy(dirOrFile: string): PolicyArtifact {
  const file = existsSync(dirOrFile) && statSync(dirOrFile).isDirectory() ? join(dirOrFile, POLICY_FILE) : dirOrFile;
  const label = displayPath(resolve(file));
  if (!existsSync(file)) {
    throw new NotFoundError('POLICY_NOT_FOUND', `No policy at ${label}. Fix: train one with \`metatune train --learner best-default --from corpus --out <dir>\`, or leave --policy out to use the bundled default.`, { file: label });
  }
  const raw = parseJson(readFileSync(file, 'utf8'), label) as Record<string, unknown>;
  if (raw && typeof raw === 'object' && typeof raw.formatVersion === 'number' && raw.formatVersion !== POLICY_FORMAT_VERSION) {
    throw new ValidationError(
      'POLICY_VERSION',
      `${label}: policy format version ${raw.formatVersion}, but this metatune reads version ${POLICY_FORMAT_VERSION}. Fix: retrain it with this metatune (\`metatune train --learner ${String((raw.learner as { id?: string } | undefined)?.id ?? '<learner>')} --out <dir>\`).`,
      { file: label, expected: POLICY_FORMAT_VERSION, found: raw.formatVersion },
    );
  }
  const doc = validateDocument<PolicyArtifact & { weights?: WeightsRef }>('policy', raw, { file: label });
  if (!doc.weights) return doc;
  const wfile = join(resolve(file, '..'), doc.weights.file);
  const wlabel = displayPath(wfile);
  if (!existsSync(wfile)) {
    throw new NotFoundError('POLICY_WEIGHTS_CORRUPT', `${label}: its weights file ${wlabel} is missing. Fix: copy the whole policy folder, or retrain it.`, { file: wlabel });
  }
  const buf = readFileSync(wfile);
  const hash = createHash('sha256').update(buf).digest('hex');
  if (buf.length !== doc.weights.bytes || hash !== doc.weights.sha256) {
    throw new ValidationError(
      'POLICY_WEIGHTS_CORRUPT',
      `${wlabel}: expected ${doc.weights.bytes} bytes with sha256 ${doc.weights.sha256.slice(0, 12)}…, found ${buf.length} bytes with sha256 ${hash.slice(0, 12)}…. Fix: restore the policy folder from where it came from, or retrain it.`,
      { file: wlabel },
    );
  }
  const weights = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
  const { weights: _ref, ...rest } = doc;
  return { ...rest, payload: { ...(doc.payload as object), weights } };
}
