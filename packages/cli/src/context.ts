/** What every command needs: where to print, the environment, and a client built from the global options. */
import { HeadroomClient } from './client.js';
import { type Format, Output, type Writer } from './output.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:7070';

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  /** Read by --password-stdin and `apply -f -`; process.stdin when absent. */
  stdin?: AsyncIterable<string | Uint8Array>;
  /** HEADROOM_URL, HEADROOM_TOKEN and the server's variables for `serve`; process.env when absent. */
  env?: Record<string, string | undefined>;
  /** Base for relative paths; process.cwd() when absent. */
  cwd?: string;
}

export interface GlobalOptions {
  server?: string;
  token?: string;
  output: Format;
}

export class CliContext {
  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalOptions,
  ) {}

  get env(): Record<string, string | undefined> {
    return this.io.env ?? process.env;
  }

  get cwd(): string {
    return this.io.cwd ?? process.cwd();
  }

  client(): HeadroomClient {
    const { server, token } = this.globals();
    return new HeadroomClient({
      server: server ?? this.env.HEADROOM_URL ?? DEFAULT_SERVER,
      token: token ?? this.env.HEADROOM_TOKEN,
    });
  }

  output(): Output {
    return new Output(this.globals().output, this.io.stdout, this.io.stderr);
  }

  /** All of stdin as text. */
  async readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.io.stdin ?? process.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
}
