import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, get, type Query } from './client';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  /** Fetch again now (after a change), keeping the current data on screen meanwhile. */
  reload: () => void;
}

export interface UseApiOptions {
  /** Poll every n ms while the page is visible (live pages: alerts, incidents, overview). */
  refreshMs?: number;
}

/**
 * GET `path` (null: nothing to fetch yet) and keep it fresh. Data stays on screen while reloading,
 * so polling never flickers; a failed poll shows its error but keeps the last good data.
 */
export function useApi<T>(path: string | null, query?: Query, options: UseApiOptions = {}): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | Error>();
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const queryKey = JSON.stringify(query ?? {});
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const lastKey = useRef<string>('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the reload trigger
  useEffect(() => {
    if (path === null) return;
    const key = `${path}?${queryKey}`;
    // A different object: forget the old one so a page never shows another object's data.
    if (lastKey.current !== key) {
      lastKey.current = key;
      setData(undefined);
    }
    const controller = new AbortController();
    setLoading(true);
    get<T>(path, JSON.parse(queryKey) as Query, controller.signal)
      .then((value) => {
        setData(value);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof Error ? e : new Error(String(e)));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, queryKey, tick]);

  const refreshMs = options.refreshMs;
  useEffect(() => {
    if (!refreshMs || path === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, path, reload]);

  return { data, error, loading, reload };
}

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  pending: boolean;
  error: ApiError | Error | undefined;
  clearError: () => void;
}

/** A write the user triggers: tracks pending state and the problem the API answered. */
export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<unknown>): Action<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | Error>();
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(undefined);
    try {
      await fnRef.current(...args);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  return { run, pending, error, clearError: () => setError(undefined) };
}
