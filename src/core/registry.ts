import { NotFoundError, PluginError } from './errors.js';

/** One contribution to a registry, with the plugin that made it (for duplicate-id messages). */
export interface Contribution<T> {
  readonly plugin: string;
  readonly value: T;
}

export interface RegistryOptions {
  /** Human name of what is registered, e.g. "schedule family". */
  readonly kind: string;
  /** Error code when an id is missing, e.g. "UNKNOWN_SCHEDULE_FAMILY". */
  readonly notFoundCode: string;
}

/**
 * Collects the contributions to one extension point at container start. Ids are unique: a second
 * contribution with the same id is a `PluginError` (`DUPLICATE_CONTRIBUTION`) naming both plugins.
 */
export class Registry<T extends { readonly id: string }> {
  readonly #entries = new Map<string, Contribution<T>>();

  constructor(
    private readonly options: RegistryOptions,
    contributions: Iterable<Contribution<T>> = [],
  ) {
    for (const c of contributions) this.add(c);
  }

  add(contribution: Contribution<T>): void {
    const id = contribution.value.id;
    const existing = this.#entries.get(id);
    if (existing) {
      throw new PluginError(
        'DUPLICATE_CONTRIBUTION',
        `Two plugins contribute the ${this.options.kind} "${id}": "${existing.plugin}" and "${contribution.plugin}". ` +
          `Remove one of them from metatune.config.json or rename the id.`,
        { kind: this.options.kind, id, plugins: [existing.plugin, contribution.plugin] },
      );
    }
    this.#entries.set(id, contribution);
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  get(id: string): T {
    const entry = this.#entries.get(id);
    if (!entry) {
      throw new NotFoundError(
        this.options.notFoundCode,
        `Unknown ${this.options.kind} "${id}". Valid choices: ${this.ids().join(', ') || '(none registered)'}.`,
        { id, choices: this.ids() },
      );
    }
    return entry.value;
  }

  /** The plugin that contributed `id`. */
  pluginOf(id: string): string | undefined {
    return this.#entries.get(id)?.plugin;
  }

  ids(): string[] {
    return [...this.#entries.keys()].sort();
  }

  values(): T[] {
    return this.ids().map((id) => this.#entries.get(id)!.value);
  }
}
