/**
 * The registry of kinds that config as code understands. Each (apiVersion, kind) pair has one
 * handler; families of kinds (Backstage now, OpenSLO v1 and headroom.dev/v1 next) register
 * their handlers and any cross-document passes through `register` and `addPass`.
 */
import type { ConfigPass, KindHandler } from './types.js';

const key = (apiVersion: string, kind: string) => `${apiVersion}\u0000${kind}`;

export class KindRegistry {
  private readonly handlers = new Map<string, KindHandler>();
  private readonly passList: ConfigPass[] = [];

  /** Adds a handler for every apiVersion it lists; a pair registered twice is a programming error. */
  register(handler: KindHandler): this {
    for (const apiVersion of handler.apiVersions) {
      const k = key(apiVersion, handler.kind);
      if (this.handlers.has(k)) throw new Error(`Kind ${apiVersion} ${handler.kind} is registered twice.`);
      this.handlers.set(k, handler);
    }
    return this;
  }

  /** Adds a pass that runs after every document is normalized, in the order added. */
  addPass(pass: ConfigPass): this {
    this.passList.push(pass);
    return this;
  }

  handlerFor(apiVersion: string, kind: string): KindHandler | undefined {
    return this.handlers.get(key(apiVersion, kind));
  }

  get passes(): readonly ConfigPass[] {
    return this.passList;
  }

  /** Supported kinds per apiVersion, sorted, for error messages and docs. */
  supported(): { apiVersion: string; kinds: string[] }[] {
    const byVersion = new Map<string, string[]>();
    for (const handler of new Set(this.handlers.values())) {
      for (const v of handler.apiVersions) byVersion.set(v, [...(byVersion.get(v) ?? []), handler.kind]);
    }
    return [...byVersion.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([apiVersion, kinds]) => ({ apiVersion, kinds: kinds.sort() }));
  }

  /** One line: `backstage.io/v1alpha1: API, Component, …; backstage.io/v1beta1: …`. */
  describeSupported(): string {
    return this.supported()
      .map((s) => `${s.apiVersion}: ${s.kinds.join(', ')}`)
      .join('; ');
  }
}
