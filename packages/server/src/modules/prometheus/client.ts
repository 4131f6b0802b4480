/**
 * A client for the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`,
 * `/api/v1/status/buildinfo`), which Thanos, Mimir and VictoriaMetrics serve too. Node's own
 * fetch, a timeout on every request, and errors that say what went wrong: unreachable, timed
 * out, refused by Prometheus (with its errorType and message), or an answer that is not the API's.
 */
import { HeadroomError, InputError } from '@headroom/core';

export interface PrometheusConnection {
  /** Base URL, e.g. http://127.0.0.1:9090 or a path-prefixed one such as https://mimir/prometheus. */
  url: string;
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  bearerToken?: string;
  /** Per request; 30 s when absent. */
  timeoutMs?: number;
}

export interface Sample {
  /** Epoch milliseconds. */
  t: number;
  v: number;
}

export interface Series {
  metric: Record<string, string>;
  points: Sample[];
}

export interface QueryResult {
  series: Series[];
  warnings: string[];
}

export interface BuildInfo {
  version: string;
  revision?: string;
  branch?: string;
  goVersion?: string;
}

/** What the poller needs of a Prometheus-compatible server (a PrometheusClient, or a fake in tests). */
export interface PrometheusApi {
  query(expr: string, timeMs: number, signal?: AbortSignal): Promise<QueryResult>;
  queryRange(
    expr: string,
    startMs: number,
    endMs: number,
    stepSeconds: number,
    signal?: AbortSignal,
  ): Promise<QueryResult>;
}

/** Prometheus could not be asked or refused the question; `code` says which. */
export class PrometheusError extends HeadroomError {
  readonly errorType: string | undefined;

  constructor(code: string, status: number, message: string, errorType?: string) {
    super(code, status, message);
    this.errorType = errorType;
  }
}

export const PROMETHEUS_UNREACHABLE = 'PROMETHEUS_UNREACHABLE';
export const PROMETHEUS_TIMEOUT = 'PROMETHEUS_TIMEOUT';
/** Prometheus refused the query itself (errorType bad_data): fix the query. */
export const PROMETHEUS_BAD_QUERY = 'PROMETHEUS_BAD_QUERY';
/** Prometheus answered with an error (auth, overload, execution, 5xx). */
export const PROMETHEUS_ERROR = 'PROMETHEUS_ERROR';
/** The answer is not the Prometheus API's (wrong URL, a proxy's HTML page). */
export const PROMETHEUS_BAD_RESPONSE = 'PROMETHEUS_BAD_RESPONSE';

const DEFAULT_TIMEOUT_MS = 30_000;

export class PrometheusClient implements PrometheusApi {
  readonly baseUrl: string;
  /** The URL without credentials, for messages and logs. */
  readonly displayUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(connection: PrometheusConnection) {
    const urlProblem = problemWithUrl(connection.url);
    if (urlProblem) throw new InputError(`Prometheus URL "${connection.url}" ${urlProblem}`);
    const url = new URL(connection.url);
    const headers: Record<string, string> = { accept: 'application/json', ...connection.headers };
    let basicAuth = connection.basicAuth;
    if (url.username || url.password) {
      basicAuth ??= {
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
      url.username = '';
      url.password = '';
    }
    if (basicAuth) {
      headers.authorization = `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
    } else if (connection.bearerToken) {
      headers.authorization = `Bearer ${connection.bearerToken}`;
    }
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.displayUrl = this.baseUrl;
    this.headers = headers;
    this.timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async buildInfo(signal?: AbortSignal): Promise<BuildInfo> {
    const { data } = await this.call('GET', '/api/v1/status/buildinfo', undefined, signal);
    if (!isRecord(data) || typeof data.version !== 'string')
      throw this.badResponse('buildinfo has no version');
    return {
      version: data.version,
      ...(typeof data.revision === 'string' ? { revision: data.revision } : {}),
      ...(typeof data.branch === 'string' ? { branch: data.branch } : {}),
      ...(typeof data.goVersion === 'string' ? { goVersion: data.goVersion } : {}),
    };
  }

  /** An instant query at `timeMs`; a scalar result comes back as one series without labels. */
  async query(expr: string, timeMs: number, signal?: AbortSignal): Promise<QueryResult> {
    const body = new URLSearchParams({ query: expr, time: seconds(timeMs) });
    return this.result(await this.call('POST', '/api/v1/query', body, signal));
  }

  /** A range query over [startMs, endMs] (both ends evaluated) every `stepSeconds`. */
  async queryRange(
    expr: string,
    startMs: number,
    endMs: number,
    stepSeconds: number,
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    const body = new URLSearchParams({
      query: expr,
      start: seconds(startMs),
      end: seconds(endMs),
      step: String(stepSeconds),
    });
    return this.result(await this.call('POST', '/api/v1/query_range', body, signal));
  }

  private result({ data, warnings }: ApiAnswer): QueryResult {
    if (!isRecord(data) || typeof data.resultType !== 'string') throw this.badResponse('no resultType');
    const { resultType, result } = data;
    switch (resultType) {
      case 'matrix':
      case 'vector': {
        if (!Array.isArray(result)) throw this.badResponse(`${resultType} result is not a list`);
        const series = result.map((item): Series => {
          if (!isRecord(item) || !isRecord(item.metric)) throw this.badResponse('a series has no metric');
          const metric = item.metric as Record<string, string>;
          if (resultType === 'vector') return { metric, points: item.value ? [this.sample(item.value)] : [] };
          if (item.values !== undefined && !Array.isArray(item.values))
            throw this.badResponse('values is no list');
          return { metric, points: ((item.values as unknown[]) ?? []).map((v) => this.sample(v)) };
        });
        return { series, warnings };
      }
      case 'scalar':
        return { series: [{ metric: {}, points: [this.sample(result)] }], warnings };
      default:
        throw this.badResponse(`result type "${resultType}" is not a number series`);
    }
  }

  private sample(pair: unknown): Sample {
    if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') {
      throw this.badResponse('a sample is not [time, "value"]');
    }
    return { t: Math.round(pair[0] * 1000), v: sampleValue(pair[1]) };
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: URLSearchParams | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ApiAnswer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: body
          ? { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' }
          : this.headers,
        ...(body ? { body: body.toString() } : {}),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        redirect: 'follow',
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (timeout.aborted) {
        throw new PrometheusError(
          PROMETHEUS_TIMEOUT,
          504,
          `Prometheus at ${this.displayUrl} did not answer ${path} within ${this.timeoutMs / 1000} s`,
        );
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new PrometheusError(
        PROMETHEUS_UNREACHABLE,
        502,
        `Prometheus at ${this.displayUrl} is unreachable: ${reason}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const what = response.ok ? 'an answer that is not JSON' : `HTTP ${response.status}`;
      throw this.badResponse(`${what} from ${path}: ${text.trim().slice(0, 200) || '(empty body)'}`);
    }
    if (!isRecord(json)) throw this.badResponse(`${path} answered ${text.slice(0, 200)}`);
    if (json.status !== 'success') {
      const errorType = typeof json.errorType === 'string' ? json.errorType : undefined;
      const message = typeof json.error === 'string' ? json.error : text.slice(0, 200);
      const badQuery = errorType === 'bad_data' && response.status === 400;
      throw new PrometheusError(
        badQuery ? PROMETHEUS_BAD_QUERY : PROMETHEUS_ERROR,
        badQuery ? 400 : 502,
        `Prometheus at ${this.displayUrl} refused ${path} (HTTP ${response.status}${errorType ? `, ${errorType}` : ''}): ${message}`,
        errorType,
      );
    }
    return { data: json.data, warnings: Array.isArray(json.warnings) ? json.warnings.map(String) : [] };
  }

  private badResponse(detail: string): PrometheusError {
    return new PrometheusError(
      PROMETHEUS_BAD_RESPONSE,
      502,
      `${this.displayUrl} did not answer as the Prometheus HTTP API does: ${detail}`,
    );
  }
}

interface ApiAnswer {
  data: unknown;
  warnings: string[];
}

function problemWithUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must be http or https';
}

/** Go's float formatting: numbers, `NaN`, `+Inf`, `-Inf` (Number() reads `+Inf` as NaN). */
function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A connection from an OpenSLO DataSource's free-form `connectionDetails` (a map, or a list of
 * maps as the spec's examples write it): the URL as `url`, `address`, `endpoint` or `baseUrl`;
 * optional `headers` (name → value), `basicAuth` ({username, password}) or top-level
 * `username`/`password`, `bearerToken`, `timeoutSeconds`.
 */
export function connectionFromDetails(
  given: unknown,
  path = '/spec/connectionDetails',
): PrometheusConnection {
  const details: unknown =
    Array.isArray(given) && given.every(isRecord) ? Object.assign({}, ...given) : given;
  if (!isRecord(details)) {
    throw new InputError('connectionDetails must be a map or a list of maps', [
      { path, message: 'not a map' },
    ]);
  }
  const problem = (field: string, message: string) =>
    new InputError(`connectionDetails.${field} ${message}`, [{ path: `${path}/${field}`, message }]);
  const urlField = ['url', 'address', 'endpoint', 'baseUrl'].find((k) => details[k] !== undefined);
  const url = urlField ? details[urlField] : undefined;
  if (typeof url !== 'string' || url === '') throw problem('url', 'must give the Prometheus URL');
  const urlProblem = problemWithUrl(url);
  if (urlProblem) throw problem(urlField ?? 'url', urlProblem);
  const connection: PrometheusConnection = { url };
  if (details.headers !== undefined) {
    if (!isRecord(details.headers)) throw problem('headers', 'must map header names to values');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) {
      if (typeof value !== 'string' && typeof value !== 'number')
        throw problem(`headers/${name}`, 'must be text');
      headers[name.toLowerCase()] = String(value);
    }
    connection.headers = headers;
  }
  const auth = isRecord(details.basicAuth) ? details.basicAuth : details;
  if (auth.username !== undefined || auth.password !== undefined) {
    if (typeof auth.username !== 'string' || typeof auth.password !== 'string') {
      throw problem(auth === details ? 'username' : 'basicAuth', 'needs a text username and password');
    }
    connection.basicAuth = { username: auth.username, password: auth.password };
  }
  if (details.bearerToken !== undefined) {
    if (typeof details.bearerToken !== 'string') throw problem('bearerToken', 'must be text');
    connection.bearerToken = details.bearerToken;
  }
  if (details.timeoutSeconds !== undefined) {
    const timeout = Number(details.timeoutSeconds);
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw problem('timeoutSeconds', 'must be a positive number');
    connection.timeoutMs = timeout * 1000;
  }
  return connection;
}
