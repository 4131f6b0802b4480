/** At start: the secret key chosen and loaded, and DataSource credentials stored in the clear sealed. */
import type { ServerConfig } from '../../config.js';
import type { Db } from '../../db/index.js';
import { sealStoredDataSources } from './datasources.js';
import { type SecretKeySetup, setUpSecretKey } from './key-store.js';

export async function setUpSecrets(
  database: Db,
  config: ServerConfig,
  log: { info(message: string): void; warn(message: string): void },
): Promise<SecretKeySetup> {
  const setup = await setUpSecretKey(database, config, log);
  const { sealed, unreadable } = await sealStoredDataSources(database.db);
  if (sealed.length > 0) log.info(`Encrypted the stored credentials of DataSources ${sealed.join(', ')}`);
  if (unreadable.length > 0)
    log.warn(
      `The credentials of DataSources ${unreadable.join(', ')} were encrypted with another key and cannot be read; apply them again with their credentials`,
    );
  return setup;
}
