import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, get, post, setCsrfToken, setStoredToken } from './api/client';

export interface WhoAmI {
  user: string;
  displayName: string | null;
  role: 'admin' | 'editor' | 'viewer';
  teams: string[];
  via: 'token' | 'session';
  csrfToken?: string;
}

interface AuthState {
  me: WhoAmI | null;
  /** True until the first whoami answered. */
  checking: boolean;
  loginWithPassword: (user: string, password: string) => Promise<void>;
  loginWithToken: (token: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [checking, setChecking] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const who = await get<WhoAmI>('/auth/whoami');
      setCsrfToken(who.csrfToken ?? null);
      setMe(who);
    } catch (e) {
      // A stale token: forget it so the login page shows instead of a loop of 401s.
      if (e instanceof ApiError && e.status === 401) setStoredToken(null);
      setMe(null);
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const loginWithPassword = useCallback(
    async (user: string, password: string) => {
      setStoredToken(null);
      const session = await post<{ csrfToken: string }>('/auth/login', { user, password });
      setCsrfToken(session.csrfToken);
      await refresh();
    },
    [refresh],
  );

  const loginWithToken = useCallback(async (token: string) => {
    setStoredToken(token);
    try {
      const who = await get<WhoAmI>('/auth/whoami');
      setMe(who);
    } catch (e) {
      setStoredToken(null);
      throw e;
    }
  }, []);

  const logout = useCallback(async () => {
    setStoredToken(null);
    await post('/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    setMe(null);
  }, []);

  return (
    <AuthContext.Provider value={{ me, checking, loginWithPassword, loginWithToken, logout }}>
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** Whether the signed-in user may change things (viewers only read). */
export function useCanWrite(): boolean {
  const { me } = useAuth();
  return me !== null && me.role !== 'viewer';
}
