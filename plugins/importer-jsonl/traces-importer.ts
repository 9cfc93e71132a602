import { MetatuneError } from '../../src/core/errors.js';
import type { ImportContext, ImportEvent, ImportInput, Importer } from '../../src/traces/importer.js';
import { checkRecord } from '../../src/traces/record-utils.js';
import { headLines, readLineBatches, shortText } from '../../src/traces/import-support.js';
import { TRACES_FORMAT, TRACES_FORMAT_VERSION } from '../../src/traces/exporters/traces-exporter.js';

export const TRACES_IMPORTER_ID = 'metatune-traces';

function headerOf(line: string | undefined): { format?: unknown; version?: unknown } | undefined {
  if (line === undefined) return undefined;
  try {
    const o = JSON.parse(line) as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) && (o as { format?: unknown }).format === TRACES_FORMAT ? (o as { version?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * metatune's own interchange format (`metatune runs export --format jsonl`): a header line
 * `{"format": "metatune-traces", "version": 1}` then `{"trace": <record>}` and
 * `{"policy": name, "artifact": …}` lines. Each record is checked against the trace schema and
 * handed to the store whole (`restoreRuns`): ids, statuses, timestamps, outcomes and provenance
 * come back exactly. A bad line is rejected with its line number and JSON pointer.
 */
export const tracesImporter: Importer = {
  id: TRACES_IMPORTER_ID,
  description: "metatune's lossless interchange JSONL (`metatune runs export --format jsonl`)",

  sniff({ head }: ImportInput): boolean {
    const first = headLines(head, 5).find((l) => l.trim() !== '');
    return headerOf(first) !== undefined;
  },

  async *import(input: ImportInput, ctx: ImportContext): AsyncGenerator<ImportEvent> {
    const file = input.path;
    let sawHeader = false;
    for await (const { lines, firstLine } of readLineBatches(file, ctx.onBytes)) {
      const out: ImportEvent[] = [];
      for (let i = 0; i < lines.length; i++) {
        const text = lines[i]!;
        const line = firstLine + i;
        if (text.trim() === '') continue;
        const reject = (field: string | undefined, expected: string, found: string, code: string) =>
          out.push({ kind: 'rejection', file, line, ...(field !== undefined ? { field } : {}), expected, found, code });
        if (!sawHeader) {
          const header = headerOf(text);
          if (!header) {
            yield { kind: 'rejection', file, line, expected: `a first line {"format": "${TRACES_FORMAT}", "version": ${TRACES_FORMAT_VERSION}}`, found: shortText(text, 40), code: 'SCHEMA_MISMATCH' };
            return;
          }
          if (typeof header.version !== 'number' || !Number.isInteger(header.version) || header.version > TRACES_FORMAT_VERSION) {
            yield { kind: 'rejection', file, line, field: 'version', expected: `format version ${TRACES_FORMAT_VERSION} or lower (upgrade metatune to read newer files)`, found: shortText(header.version), code: 'TRACES_FORMAT_AHEAD' };
            return;
          }
          if (ctx.task) {
            yield { kind: 'rejection', file, line, field: '--task', expected: 'no --task: an interchange file keeps each run\'s own task (retag after importing with `metatune runs tag`)', found: shortText(ctx.task.id), code: 'TASK_OPTION_CONFLICT' };
            return;
          }
          sawHeader = true;
          continue;
        }
        let o: unknown;
        try {
          o = JSON.parse(text);
        } catch (err) {
          reject(undefined, 'one JSON object per line', `${shortText(text, 40)} (${(err as Error).message})`, 'INVALID_JSON');
          continue;
        }
        if (typeof o !== 'object' || o === null || Array.isArray(o)) {
          reject(undefined, 'a JSON object', shortText(o), 'SCHEMA_MISMATCH');
          continue;
        }
        const rec = o as Record<string, unknown>;
        if ('trace' in rec) {
          try {
            out.push({ kind: 'record', record: checkRecord(rec.trace, `${file}:${line}`), file, line });
          } catch (err) {
            if (!(err instanceof MetatuneError)) throw err;
            reject(`trace${String(err.details.pointer ?? '')}`, 'a trace record the schema accepts', err.message.replace(/^.*?: /, ''), err.code);
          }
        } else if (typeof rec.policy === 'string' && 'artifact' in rec) {
          out.push({ kind: 'policy', name: rec.policy, artifact: rec.artifact, file, line });
        } else {
          reject(undefined, 'a {"trace": …} or {"policy": …, "artifact": …} line', shortText(text, 40), 'SCHEMA_MISMATCH');
        }
      }
      yield* out;
    }
  },
};
