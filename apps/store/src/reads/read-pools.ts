import type { OnModuleDestroy } from '@nestjs/common';
import { Client, Pool, type PoolClient, type QueryResultRow } from 'pg';

/** pg's SQLSTATE for a statement cancelled by statement_timeout or a cancel request. */
const QUERY_CANCELED = '57014';

/** The statement ran past STORE_STATEMENT_TIMEOUT_MS and was cancelled by Postgres. */
export class ReadTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the query did not finish within ${timeoutMs} ms`);
    this.name = 'ReadTimeoutError';
  }
}

/** No connection of the pool came free within the statement timeout: too many reads at once. */
export class ReadBusyError extends Error {
  constructor(readonly pool: ReadPoolName) {
    super(`every ${pool} connection stayed busy`);
    this.name = 'ReadBusyError';
  }
}

/** The client went away; its statement was cancelled and nobody is left to answer. */
export class ReadAbortedError extends Error {
  constructor() {
    super('the client disconnected; its query was cancelled');
    this.name = 'ReadAbortedError';
  }
}

export type ReadPoolName = 'reads' | 'searches';

export interface ReadPoolsOptions {
  databaseUrl: string;
  statementTimeoutMs: number;
  readPoolSize: number;
  searchPoolSize: number;
}

/** What a repository may do on a checked-out connection; every statement honours the request's abort. */
export interface ReadSession {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
}

/**
 * The store's read connections, apart from the write/health pool: `reads` for id look-ups and
 * feed pages, `searches` for `?q=`, so slow searches never hold the connections the others need.
 * Every connection runs with a statement timeout, and a request's statement is cancelled in
 * Postgres (pg_cancel_backend) when its client disconnects, instead of running on for nobody.
 */
export class ReadPools implements OnModuleDestroy {
  private readonly pools: Record<ReadPoolName, Pool>;
  private readonly backendPids = new WeakMap<PoolClient, Promise<number>>();

  constructor(private readonly options: ReadPoolsOptions) {
    const pool = (name: ReadPoolName, max: number) => {
      const created = new Pool({
        connectionString: options.databaseUrl,
        max,
        // A read waits for a connection no longer than it may run.
        connectionTimeoutMillis: options.statementTimeoutMs,
        idleTimeoutMillis: 30_000,
        application_name: `newsflow-store-${name}`,
        options: `-c jit=off -c statement_timeout=${options.statementTimeoutMs}`,
      });
      created.on('connect', (client) => {
        const pid = client
          .query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
          .then((result) => result.rows[0].pid);
        pid.catch(() => undefined);
        this.backendPids.set(client, pid);
      });
      // An idle connection dropped by the server: the pool replaces it on the next checkout.
      created.on('error', () => undefined);
      return created;
    };
    this.pools = {
      reads: pool('reads', options.readPoolSize),
      searches: pool('searches', options.searchPoolSize),
    };
  }

  get statementTimeoutMs(): number {
    return this.options.statementTimeoutMs;
  }

  /** Runs `work` on one connection of `name`; `signal` (the client's disconnect) cancels it. */
  async withSession<T>(
    name: ReadPoolName,
    signal: AbortSignal | undefined,
    work: (session: ReadSession) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted) throw new ReadAbortedError();
    const client = await this.pools[name].connect().catch((error: unknown) => {
      if (error instanceof Error && /timeout exceeded when trying to connect/.test(error.message))
        throw new ReadBusyError(name);
      throw error;
    });
    let broken = false;
    const state: { running: boolean; cancelling: Promise<void> | null } = {
      running: false,
      cancelling: null,
    };
    const onAbort = () => {
      if (state.running) state.cancelling = this.cancel(client);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const session: ReadSession = {
      query: async <R extends QueryResultRow>(sql: string, params: unknown[] = []) => {
        if (signal?.aborted) throw new ReadAbortedError();
        state.running = true;
        try {
          return (await client.query<R>(sql, params)).rows;
        } catch (error) {
          // An error without a SQLSTATE is the connection's own (socket closed): do not reuse it.
          if (typeof (error as { code?: unknown } | null)?.code !== 'string') broken = true;
          throw this.translate(error, signal);
        } finally {
          state.running = false;
        }
      },
    };
    try {
      return await work(session);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Held until a cancel sent for it has landed, so it can never cancel the next user's statement.
      if (state.cancelling) await state.cancelling;
      // A cancelled request may leave a transaction open on it: such a connection is closed.
      client.release(broken || signal?.aborted === true);
    }
  }

  private translate(error: unknown, signal: AbortSignal | undefined): unknown {
    if ((error as { code?: string } | null)?.code !== QUERY_CANCELED) return error;
    return signal?.aborted
      ? new ReadAbortedError()
      : new ReadTimeoutError(this.options.statementTimeoutMs);
  }

  private async cancel(client: PoolClient): Promise<void> {
    const pid = await this.backendPids.get(client);
    if (pid === undefined) return;
    const canceller = new Client({ connectionString: this.options.databaseUrl });
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // The statement timeout still ends it.
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((pool) => pool.end()));
  }
}
