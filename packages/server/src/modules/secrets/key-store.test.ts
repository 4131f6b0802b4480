/** Where the secret key comes from, what survives a restart, and what a lost key does. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { configFromEnv } from '../../config.js';
import { migrateToLatest, openDatabase } from '../../db/index.js';
import { ADMIN_TOKEN, testConfig } from '../../test-support/app.js';
import { dropCreatedDatabases, freshDatabase, supportedDatabases } from '../../test-support/databases.js';
import { json } from '../catalog/refs.js';
import { findObjectRow, loadObjectRecord } from '../slos/repo.js';
import { isSecretName, mapSecrets, REDACTED, revealDetails, sealDetails } from './connection-details.js';
import { MissingSecretError, openConnectionDetails } from './datasources.js';
import { keyFileOf } from './key-store.js';
import { hasKey, keyId, open, parseSecretKey, registerKey, releaseKey, seal } from './keyring.js';
import { setUpSecrets } from './setup.js';

afterAll(dropCreatedDatabases);

const HEX_KEY = 'a1'.repeat(32);
const source = (token: string) => ({
  path: 'ds.yaml',
  content: `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: Prometheus
  connectionDetails:
    url: http://127.0.0.1:9
    headers:
      Authorization: ${token}
`,
});

describe('keys and sealing', () => {
  it('reads a key as 64 hex digits or base64, and refuses anything else naming the variable', () => {
    const key = Buffer.alloc(32, 7);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretKey(` ${key.toString('base64')}\n`)).toEqual(key);
    for (const bad of ['', 'secret', 'a1'.repeat(31), Buffer.alloc(31).toString('base64'), 'z'.repeat(64)])
      expect(() => parseSecretKey(bad)).toThrow(/HEADROOM_SECRET_KEY must be 32 random bytes/);
    expect(() => configFromEnv({ HEADROOM_SECRET_KEY: 'too-short' })).toThrow(/HEADROOM_SECRET_KEY/);
    expect(configFromEnv({ HEADROOM_SECRET_KEY: HEX_KEY }).secretKey).toBe(HEX_KEY);
  });

  it('seals any JSON value; it opens only with its key and in its own field', () => {
    const id = registerKey(Buffer.alloc(32, 1));
    try {
      const sealed = seal({ user: 'u', n: 3 }, id, 'a');
      expect(sealed).toMatch(new RegExp(`^enc:v1:${id}:`));
      expect(sealed).not.toBe(seal({ user: 'u', n: 3 }, id, 'a')); // a fresh IV every time
      expect(open(sealed, 'a')).toEqual({ user: 'u', n: 3 });
      expect(() => open(sealed, 'b')).toThrow(/damaged or belongs to another field/);
      const at = sealed.length - 10; // inside the ciphertext
      const tampered = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
      expect(() => open(tampered, 'a')).toThrow(/damaged/);
      releaseKey(id);
      expect(hasKey(id)).toBe(false);
      expect(() => open(sealed, 'a')).toThrow(`encrypted with another key (id ${id})`);
    } finally {
      releaseKey(id);
    }
  });

  it('knows credentials by name, every header, and a URL with a password', () => {
    for (const name of ['password', 'basicAuthPassword', 'pass', 'token', 'bearerToken', 'apiKey', 'app_key'])
      expect([name, isSecretName(name)]).toEqual([name, true]);
    for (const name of ['secretAccessKey', 'accessKeyID', 'client-secret', 'Authorization', 'privateKey'])
      expect([name, isSecretName(name)]).toEqual([name, true]);
    for (const name of ['url', 'username', 'region', 'timeoutSeconds', 'clusterId', 'databaseName'])
      expect([name, isSecretName(name)]).toEqual([name, false]);
    const found: string[] = [];
    mapSecrets(
      [
        { url: 'http://u:p@prom:9090', address: 'http://prom:9090' },
        { headers: { 'X-Api-Key': 'k', 'X-Org': 'o' } },
        { httpHeaders: [{ name: 'Authorization', value: 'v' }] },
        { nested: { basicAuth: { username: 'u', password: 'p' } } },
      ],
      (_value, path) => {
        found.push(path);
        return null;
      },
    );
    expect(found).toEqual([
      '/0/url',
      '/1/headers/X-Api-Key',
      '/1/headers/X-Org',
      '/2/httpHeaders/0/name',
      '/2/httpHeaders/0/value',
      '/3/nested/basicAuth/password',
    ]);
  });

  it('keeps a held value for <redacted>, and says which field has none', () => {
    const id = registerKey(Buffer.alloc(32, 2));
    try {
      const held = sealDetails({ token: 't0k', url: 'http://x' }, 'ds', id);
      const again = sealDetails(
        { token: REDACTED, url: 'http://y', password: REDACTED },
        'ds',
        id,
        new Map([['/token', (held as { token: string }).token]]),
      ) as Record<string, string>;
      expect(again.token).toBe((held as { token: string }).token);
      expect(again.password).toBe(REDACTED);
      expect(() => revealDetails(again, 'ds')).toThrow(
        "DataSource ds: connectionDetails.password has no value (it was applied as '<redacted>'",
      );
      expect(revealDetails({ token: again.token }, 'ds')).toEqual({ token: 't0k' });
      // Sealed for another DataSource: does not open here.
      expect(() => revealDetails({ token: again.token }, 'other')).toThrow(/cannot be decrypted/);
    } finally {
      releaseKey(id);
    }
  });
});

describe('the key of a SQLite database file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-secrets-'));
    dirs.push(dir);
    return join(dir, 'headroom.db');
  };
  const start = (databaseUrl: string, secretKey?: string) =>
    buildApp({ config: testConfig({ databaseUrl, secretKey }), logger: false });
  const applySource = async (app: Awaited<ReturnType<typeof start>>, token: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { files: [source(token)] },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const storedSource = async (app: Awaited<ReturnType<typeof start>>) => {
    const row = await findObjectRow(app.headroom.database.db, 'DataSource', 'prom');
    return { text: JSON.stringify(row), ...loadObjectRecord(row!) };
  };

  it('is made once beside the database (0600), survives restarts, and a lost one is reported', async () => {
    const path = tempDb();
    let app = await start(path);
    const file = keyFileOf(path);
    expect(file).toBe(`${path}.secret-key`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const firstKey = readFileSync(file, 'utf8');
    await applySource(app, 'Bearer file-key-token');
    let stored = await storedSource(app);
    expect(stored.text).not.toContain('file-key-token');
    expect(stored.text).toContain(`enc:v1:${keyId(parseSecretKey(firstKey))}:`);
    await app.close();

    app = await start(path);
    expect(readFileSync(file, 'utf8')).toBe(firstKey);
    stored = await storedSource(app);
    const details = openConnectionDetails({
      name: 'prom',
      connectionDetails: (stored.definition as { connectionDetails: unknown }).connectionDetails,
    });
    expect(details).toEqual({
      url: 'http://127.0.0.1:9',
      headers: { Authorization: 'Bearer file-key-token' },
    });
    await app.close();

    rmSync(file);
    const warnings: string[] = [];
    const database = openDatabase(path);
    const setup = await setUpSecrets(database, testConfig({ databaseUrl: path }), {
      info: () => undefined,
      warn: (m) => warnings.push(m),
    });
    try {
      expect(setup.source).toBe('file');
      expect(readFileSync(file, 'utf8')).not.toBe(firstKey);
      expect(warnings).toEqual([
        expect.stringMatching(/^The secret key changed \(from [0-9a-f]{16} to [0-9a-f]{16}, file\)/),
        expect.stringContaining('The credentials of DataSources prom were encrypted with another key'),
      ]);
      const row = loadObjectRecord((await findObjectRow(database.db, 'DataSource', 'prom'))!);
      expect(() =>
        openConnectionDetails({
          name: 'prom',
          connectionDetails: (row.definition as { connectionDetails: unknown }).connectionDetails,
        }),
      ).toThrow(MissingSecretError);
    } finally {
      setup.release();
      await database.close();
    }
  });

  it('HEADROOM_SECRET_KEY is used instead, and no key file is written', async () => {
    const path = tempDb();
    const app = await start(path, HEX_KEY);
    try {
      expect(existsSync(keyFileOf(path))).toBe(false);
      await applySource(app, 'Bearer env-key-token');
      const stored = await storedSource(app);
      expect(stored.text).toContain(`enc:v1:${keyId(Buffer.from(HEX_KEY, 'hex'))}:`);
      expect(stored.text).not.toContain('env-key-token');
    } finally {
      await app.close();
    }
  });

  it('seals credentials stored in the clear by an earlier version, at start', async () => {
    const path = tempDb();
    const database = openDatabase(path);
    await migrateToLatest(database.db);
    const definition = {
      name: 'legacy',
      displayName: null,
      labels: {},
      annotations: {},
      description: null,
      type: 'Prometheus',
      connectionDetails: [{ url: 'http://127.0.0.1:9' }, { bearerToken: 'legacy-plain-token' }],
    };
    const document = {
      apiVersion: 'openslo/v1',
      kind: 'DataSource',
      metadata: { name: 'legacy' },
      spec: { type: 'Prometheus', connectionDetails: definition.connectionDetails },
    };
    await database.db
      .insertInto('openslo_objects')
      .values({
        id: 'legacy-1',
        kind: 'DataSource',
        name: 'legacy',
        definition: json.stringify(definition),
        document: json.stringify(document),
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await database.close();

    const app = await start(path);
    try {
      const row = await findObjectRow(app.headroom.database.db, 'DataSource', 'legacy');
      expect(JSON.stringify(row)).not.toContain('legacy-plain-token');
      const record = loadObjectRecord(row!);
      expect(
        openConnectionDetails({
          name: 'legacy',
          connectionDetails: (record.definition as { connectionDetails: unknown }).connectionDetails,
        }),
      ).toEqual([{ url: 'http://127.0.0.1:9' }, { bearerToken: 'legacy-plain-token' }]);
    } finally {
      await app.close();
    }
  });
});

describe.each(supportedDatabases())('the key kept in the database on $name', ({ name, available }) => {
  it.runIf(available)('is made once and shared by every process using the database', async () => {
    const database = await freshDatabase(name);
    const log = { info: () => undefined, warn: () => undefined };
    const first = await setUpSecrets(database, testConfig(), log);
    const second = await setUpSecrets(database, testConfig(), log);
    try {
      expect(first.source).toBe('database');
      expect(second.keyId).toBe(first.keyId);
      const rows = await database.db
        .selectFrom('secrets')
        .select(['name', 'value'])
        .orderBy('name')
        .execute();
      expect(rows).toEqual([
        { name: 'datasource-key', value: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) },
        { name: 'datasource-key-id', value: first.keyId },
      ]);
    } finally {
      first.release();
      second.release();
      await database.close();
    }
  });
});
