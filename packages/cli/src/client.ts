/** A small typed client for the Headroom REST API; every type comes from @headroom/core's API schemas. */

import type { ApplyRequest, ApplyResult } from '@headroom/core/api/apply';
import type { AuditEntry, Token, TokenCreate, TokenCreated, WhoAmI } from '@headroom/core/api/auth';
import type { BackfillRequest, BackfillResult } from '@headroom/core/api/backfill';
import type {
  DependencyGraph,
  Service,
  ServiceCreate,
  ServiceUpdate,
  Team,
  TeamCreate,
  TeamUpdate,
  User,
  UserCreate,
  UserUpdate,
} from '@headroom/core/api/catalog';
import type { Problem } from '@headroom/core/api/common';
import type { BudgetCorrection } from '@headroom/core/api/correction';
import type { IngestResult, IngestStream } from '@headroom/core/api/ingest';
import type { Slo } from '@headroom/core/api/slo';
import { ApiError, UnreachableError, UsageError } from './errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface ClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:7070 (may carry a path prefix). */
  server: string;
  token?: string | undefined;
}

const API = '/api/v1';
const enc = encodeURIComponent;

function isProblem(value: unknown): value is Problem {
  const v = value as Partial<Problem> | null;
  return typeof v === 'object' && v !== null && typeof v.detail === 'string' && typeof v.code === 'string';
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export class HeadroomClient {
  readonly server: string;
  readonly #token: string | undefined;

  constructor(options: ClientOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new UsageError(`--server must be an http:// or https:// URL, got '${options.server}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--server must be an http:// or https:// URL, got '${options.server}'`);
    this.server = url.href.replace(/\/+$/, '');
    this.#token = options.token || undefined;
  }

  async request<T>(
    method: string,
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      accept?: string;
      /** A body sent as it is (NDJSON), instead of `body` as JSON. */
      raw?: { type: string; data: Uint8Array };
      headers?: Record<string, string>;
      /** Sees the response headers of a successful answer. */
      onHeaders?: (headers: Headers) => void;
    } = {},
  ): Promise<T> {
    const url = new URL(`${this.server}${API}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {
      accept: `${options.accept ?? 'application/json'}, application/problem+json`,
    };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.raw) headers['content-type'] = options.raw.type;
    Object.assign(headers, options.headers);
    let status: number;
    let text: string;
    let statusText: string;
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        ...(options.raw && { body: options.raw.data }),
      });
      ({ status, statusText } = response);
      if (status < 400) options.onHeaders?.(response.headers);
      text = await response.text();
    } catch (error) {
      throw new UnreachableError(this.server, reasonOf(error));
    }
    // A text answer (YAML export) is returned as it came.
    if (options.accept && status < 400) return text as T;
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
      if (status < 400)
        throw new ApiError(
          status,
          this.#madeUpProblem(status, `${method} ${url.pathname} answered with non-JSON`),
          false,
        );
    }
    if (status >= 400) {
      const problem = isProblem(body) ? body : this.#madeUpProblem(status, `HTTP ${status} ${statusText}`);
      throw new ApiError(status, problem, this.#token !== undefined);
    }
    return body as T;
  }

  #madeUpProblem(status: number, what: string): Problem {
    return {
      type: 'about:blank',
      title: what,
      status,
      code: `HTTP_${status}`,
      detail: `${what} from ${this.server}; is that a Headroom server?`,
    };
  }

  readonly services = {
    list: (query: Query = {}) => this.request<Service[]>('GET', '/services', { query }),
    get: (name: string) => this.request<Service>('GET', `/services/${enc(name)}`),
    create: (body: ServiceCreate) => this.request<Service>('POST', '/services', { body }),
    update: (name: string, body: ServiceUpdate) =>
      this.request<Service>('PATCH', `/services/${enc(name)}`, { body }),
    delete: (name: string) => this.request<void>('DELETE', `/services/${enc(name)}`),
    dependencies: (
      name: string,
      query: { direction: 'upstream' | 'downstream'; depth?: number | undefined },
    ) => this.request<DependencyGraph>('GET', `/services/${enc(name)}/dependencies`, { query }),
  };

  readonly entities = {
    dependencies: (
      ref: string,
      query: { direction: 'upstream' | 'downstream'; depth?: number | undefined },
    ) => this.request<DependencyGraph>('GET', `/entities/${enc(ref)}/dependencies`, { query }),
  };

  readonly teams = {
    list: () => this.request<Team[]>('GET', '/teams'),
    get: (name: string) => this.request<Team>('GET', `/teams/${enc(name)}`),
    create: (body: TeamCreate) => this.request<Team>('POST', '/teams', { body }),
    update: (name: string, body: TeamUpdate) => this.request<Team>('PATCH', `/teams/${enc(name)}`, { body }),
    delete: (name: string) => this.request<void>('DELETE', `/teams/${enc(name)}`),
    addMember: (team: string, user: string) =>
      this.request<Team>('POST', `/teams/${enc(team)}/members`, { body: { user } }),
    removeMember: (team: string, user: string) =>
      this.request<Team>('DELETE', `/teams/${enc(team)}/members/${enc(user)}`),
  };

  readonly users = {
    list: (query: Query = {}) => this.request<User[]>('GET', '/users', { query }),
    get: (name: string) => this.request<User>('GET', `/users/${enc(name)}`),
    create: (body: UserCreate) => this.request<User>('POST', '/users', { body }),
    update: (name: string, body: UserUpdate) => this.request<User>('PATCH', `/users/${enc(name)}`, { body }),
    delete: (name: string) => this.request<void>('DELETE', `/users/${enc(name)}`),
  };

  readonly tokens = {
    list: () => this.request<Token[]>('GET', '/tokens'),
    create: (body: TokenCreate) => this.request<TokenCreated>('POST', '/tokens', { body }),
    revoke: (id: string) => this.request<void>('DELETE', `/tokens/${enc(id)}`),
  };

  readonly corrections = {
    list: (query: Query = {}) => this.request<BudgetCorrection[]>('GET', '/corrections', { query }),
    get: (name: string) => this.request<BudgetCorrection>('GET', `/corrections/${enc(name)}`),
  };

  readonly slos = {
    list: (query: Query = {}) => this.request<Slo[]>('GET', '/slos', { query }),
    get: (name: string) => this.request<Slo>('GET', `/slos/${enc(name)}`),
    backfill: (name: string, body: BackfillRequest) =>
      this.request<BackfillResult>('POST', `/slos/${enc(name)}/backfill`, { body }),
  };

  /** OpenSLO v1 YAML of the SLOs (one service's, or all) and the objects they use. */
  exportOpenSlo(query: { service?: string | undefined } = {}): Promise<string> {
    return this.request<string>('GET', '/export/openslo', { query, accept: 'application/yaml' });
  }

  exportPrometheusRules(query: { service?: string | undefined } = {}): Promise<string> {
    return this.request<string>('GET', '/export/prometheus-rules', { query, accept: 'application/yaml' });
  }

  readonly ingest = {
    /** One NDJSON batch; `replayed` when the server answered with its stored reply to the same key. */
    events: async (ndjson: Uint8Array, idempotencyKey: string) => {
      let replayed = false;
      const result = await this.request<IngestResult>('POST', '/ingest/events', {
        raw: { type: 'application/x-ndjson', data: ndjson },
        headers: { 'idempotency-key': idempotencyKey },
        onHeaders: (headers) => {
          replayed = headers.get('idempotent-replayed') === 'true';
        },
      });
      return { result, replayed };
    },
    streams: () => this.request<IngestStream[]>('GET', '/ingest/streams'),
  };

  whoami(): Promise<WhoAmI> {
    return this.request<WhoAmI>('GET', '/auth/whoami');
  }

  audit(query: Query = {}): Promise<AuditEntry[]> {
    return this.request<AuditEntry[]>('GET', '/audit', { query });
  }

  apply(body: ApplyRequest): Promise<ApplyResult> {
    return this.request<ApplyResult>('POST', '/apply', { body });
  }
}
