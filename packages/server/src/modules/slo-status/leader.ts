/**
 * Exactly one active evaluator. On PostgreSQL the leader holds a session-level advisory lock on
 * a connection of its own: if the process dies, PostgreSQL drops the connection and the lock with
 * it, and another process takes over at its next attempt (every evaluation tick). SQLite is the
 * single-process embedded mode, so its one process always leads.
 */
import pg from 'pg';
import type { Db } from '../../db/index.js';

/** A fixed 64-bit key for pg_try_advisory_lock: "headroom evaluator". */
export const EVALUATOR_LOCK_KEY = '7221183641902201729';

export interface Leadership {
  /** Tries to be (or stay) the leader; false while another process holds the lock. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

export function leadership(database: Db, key = EVALUATOR_LOCK_KEY): Leadership {
  if (database.dialect === 'sqlite') return { acquire: async () => true, release: async () => {} };
  let client: pg.Client | null = null;
  let held = false;
  const drop = async () => {
    const c = client;
    client = null;
    held = false;
    if (c) await c.end().catch(() => {});
  };
  return {
    async acquire() {
      try {
        if (!client) {
          const c = new pg.Client({ connectionString: database.url });
          // A broken connection means the lock is gone: forget it and try again next tick.
          c.on('error', () => void drop());
          await c.connect();
          client = c;
        }
        if (held) {
          await client.query('select 1');
          return true;
        }
        const res = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock($1::bigint) as locked',
          [key],
        );
        held = res.rows[0]?.locked === true;
        return held;
      } catch {
        await drop();
        return false;
      }
    },
    release: drop,
  };
}
