import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as path from "path";
import { postgresServer, startThrowawayPostgres, type ThrowawayPostgres } from "./postgres-server";
import { requireTool } from "./tools";

/**
 * Applies the schema migrations to a real PostgreSQL server: a throwaway
 * cluster in a temporary directory, reachable only through a unix socket there,
 * started from Debian's `postgresql` package and stopped afterwards. Without
 * the server binaries the suite is skipped with a line at the end of the run; with
 * CRYPTOPULSE_REQUIRE_POSTGRES=1 (CI) it fails instead.
 */

const MIGRATIONS = path.resolve(__dirname, "..", "migrations");
const INITIAL = path.join(MIGRATIONS, "0001_initial_schema.sql");
const DATABASE = "cryptopulse";
/** Like DigitalOcean's doadmin: owns the database, is no superuser. */
const ADMIN = "migrator";
const APP = "cryptopulse_app";

const POSTGRES = requireTool({ suite: "PostgreSQL migration tests", requireVariable: "CRYPTOPULSE_REQUIRE_POSTGRES", lookup: postgresServer });

interface PsqlOptions {
  readonly user?: string;
  readonly database?: string;
  /** psql variables, used in SQL as :'name' or :"name". */
  readonly vars?: Record<string, string>;
}

interface PsqlResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

POSTGRES.describe("schema migrations on a real PostgreSQL server", (bin) => {
  let server: ThrowawayPostgres | undefined;
  let dir = "";

  /** Runs `sql` (on stdin, one statement at a time) or a file through psql. */
  function psql(input: { sql?: string; file?: string }, options: PsqlOptions = {}): PsqlResult {
    const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["-v", `${name}=${value}`]);
    const args = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", dir, "-U", options.user ?? ADMIN, "-d", options.database ?? DATABASE, ...vars];
    if (input.file) args.push("-f", input.file);
    const result = spawnSync(path.join(bin, "psql"), args, { input: input.sql, encoding: "utf8" });
    return { ok: result.status === 0, stdout: result.stdout.trim(), stderr: result.stderr };
  }

  function query(sql: string, options: PsqlOptions = {}): string {
    const result = psql({ sql }, options);
    if (!result.ok) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout;
  }

  const applyInitial = () => psql({ file: INITIAL }, { vars: { app_user: APP } });

  /** Tables, columns, constraints, indexes, triggers and functions of the public schema, as text. */
  const catalog = () =>
    query(`
      SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
        SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) AS line
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT format('trigger %s', pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p WHERE pronamespace = 'public'::regnamespace
        UNION ALL SELECT format('grant %s %s', table_name, string_agg(privilege_type, ',' ORDER BY privilege_type))
          FROM information_schema.role_table_grants WHERE grantee = '${APP}' GROUP BY table_name
      ) lines`);

  beforeAll(() => {
    server = startThrowawayPostgres(bin, "cryptopulse-pg-");
    dir = server.dir;
    query(`CREATE ROLE ${ADMIN} LOGIN; CREATE ROLE ${APP} LOGIN; CREATE DATABASE ${DATABASE} OWNER ${ADMIN};`, { user: "postgres", database: "postgres" });
  });

  afterAll(() => server?.stop());

  describe("0001_initial_schema", () => {
    let afterFirst = "";

    beforeAll(() => {
      const first = applyInitial();
      if (!first.ok) throw new Error(`first application failed: ${first.stderr}`);
      afterFirst = catalog();
    });

    it("applies a second time without an error and without changing the schema", () => {
      const second = applyInitial();
      expect(second.stderr).not.toMatch(/ERROR/);
      expect(second.ok).toBe(true);
      expect(catalog()).toBe(afterFirst);
    });

    it("creates the users, trades and exchange_configs tables", () => {
      expect(query("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")).toBe(
        "exchange_configs,trades,users",
      );
    });

    it("keys every table by a generated UUID and keeps email unique", () => {
      expect(afterFirst).toContain("constraint users_pkey PRIMARY KEY (id)");
      expect(afterFirst).toContain("constraint trades_pkey PRIMARY KEY (id)");
      expect(afterFirst).toContain("constraint exchange_configs_pkey PRIMARY KEY (id)");
      expect(afterFirst).toContain("column users.id uuid NO gen_random_uuid()");
      expect(afterFirst).toContain("constraint users_email_key UNIQUE (email)");
    });

    it("references users from trades (kept) and exchange_configs (deleted with the user)", () => {
      expect(afterFirst).toContain("constraint trades_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE RESTRICT");
      expect(afterFirst).toContain("constraint exchange_configs_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE");
    });

    it("checks trade side, amount and price", () => {
      const user = query("INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('trader@example.com', 'h', 'T', 'R') RETURNING id", { user: APP });
      const trade = (side: string, amount: string, price: string) =>
        psql({ sql: `INSERT INTO trades (user_id, exchange, symbol, side, amount, price) VALUES ('${user}', 'binance', 'BTCUSDT', '${side}', ${amount}, ${price})` }, { user: APP });
      expect(trade("buy", "0.5", "NULL").ok).toBe(true);
      expect(trade("hold", "0.5", "100").stderr).toContain('violates check constraint "trades_side_check"');
      expect(trade("sell", "0", "100").stderr).toContain('violates check constraint "trades_amount_check"');
      expect(trade("sell", "1", "-1").stderr).toContain('violates check constraint "trades_price_check"');
      expect(query(`SELECT status FROM trades WHERE user_id = '${user}'`)).toBe("pending");
      expect(psql({ sql: `DELETE FROM users WHERE id = '${user}'` }, { user: APP }).stderr).toContain('violates foreign key constraint "trades_user_id_fkey"');
    });

    it("indexes the foreign keys, a user's trades by time and trade status", () => {
      expect(afterFirst).toContain("index CREATE INDEX trades_user_id_created_at_idx ON public.trades USING btree (user_id, created_at DESC)");
      expect(afterFirst).toContain("index CREATE INDEX trades_status_idx ON public.trades USING btree (status)");
      expect(afterFirst).toContain("index CREATE INDEX exchange_configs_user_id_idx ON public.exchange_configs USING btree (user_id)");
    });

    it("maintains updated_at on every update", () => {
      const id = query("INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('ada@example.com', 'h', 'Ada', 'L') RETURNING id", { user: APP });
      query(`UPDATE users SET first_name = 'Augusta', updated_at = '2000-01-01' WHERE id = '${id}'`, { user: APP });
      expect(query(`SELECT updated_at > created_at FROM users WHERE id = '${id}'`)).toBe("t");
      for (const table of ["users", "trades", "exchange_configs"]) {
        expect(afterFirst).toContain(`trigger CREATE TRIGGER ${table}_set_updated_at BEFORE UPDATE ON public.${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`);
      }
    });

    it("gives the app role data access but no DDL", () => {
      expect(afterFirst).toContain("grant users DELETE,INSERT,SELECT,UPDATE");
      expect(afterFirst).toContain("grant trades DELETE,INSERT,SELECT,UPDATE");
      expect(afterFirst).toContain("grant exchange_configs DELETE,INSERT,SELECT,UPDATE");
      expect(psql({ sql: "CREATE TABLE sneaky (id int)" }, { user: APP }).stderr).toContain("permission denied for schema public");
      expect(psql({ sql: "DROP TABLE trades" }, { user: APP }).stderr).toContain("must be owner of table trades");
    });

    it("refuses to run without the app role variable", () => {
      expect(psql({ file: INITIAL }).ok).toBe(false);
    });

    describe("exchange credentials", () => {
      const key = randomBytes(32).toString("hex");
      let userId = "";

      beforeAll(() => {
        userId = query("INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('keys@example.com', 'h', 'K', 'S') RETURNING id", { user: APP });
        query(
          `INSERT INTO exchange_configs (user_id, exchange, api_key_encrypted, secret_key_encrypted)
           VALUES ('${userId}', 'binance', exchange_secret_encrypt('plain-api-key', :'key'), exchange_secret_encrypt('plain-secret-key', :'key'))`,
          { user: APP, vars: { key } },
        );
      });

      it("stores ciphertext, not the plaintext", () => {
        const stored = query(
          `SELECT encode(api_key_encrypted, 'hex') || ' ' || encode(secret_key_encrypted, 'hex') FROM exchange_configs WHERE user_id = '${userId}'`,
        );
        for (const plaintext of ["plain-api-key", "plain-secret-key"]) expect(stored).not.toContain(Buffer.from(plaintext).toString("hex"));
        expect(query(`SELECT pgp_key_id(api_key_encrypted) || ',' || pgp_key_id(secret_key_encrypted) FROM exchange_configs WHERE user_id = '${userId}'`)).toBe(
          "SYMKEY,SYMKEY",
        );
      });

      it("decrypts with the run-time key only", () => {
        const decrypt = (k: string) =>
          psql({ sql: `SELECT exchange_secret_decrypt(secret_key_encrypted, :'key') FROM exchange_configs WHERE user_id = '${userId}'` }, { user: APP, vars: { key: k } });
        expect(decrypt(key).stdout).toBe("plain-secret-key");
        expect(decrypt(randomBytes(32).toString("hex")).stderr).toContain("Wrong key or corrupt data");
      });

      it("rejects plaintext written straight into the encrypted columns", () => {
        const result = psql(
          { sql: `INSERT INTO exchange_configs (user_id, exchange, api_key_encrypted, secret_key_encrypted) VALUES ('${userId}', 'kraken', convert_to('plain', 'UTF8'), convert_to('plain', 'UTF8'))` },
          { user: APP },
        );
        expect(result.stderr).toContain('violates check constraint "exchange_configs_api_key_encrypted_check"');
      });

      it("refuses a short key", () => {
        expect(psql({ sql: "SELECT exchange_secret_encrypt('x', 'short')" }, { user: APP }).stderr).toContain("exchange secret key must be at least 32 characters");
      });

      it("keeps key material out of the migration", () => {
        const functions = query("SELECT string_agg(prosrc, ' ') FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'exchange_secret_%'");
        expect(functions).toContain("key");
        expect(functions).not.toContain(key);
        expect(afterFirst).not.toContain(key);
      });
    });
  });

  describe("migrate.sh", () => {
    const run = () =>
      spawnSync("/bin/sh", [path.join(MIGRATIONS, "migrate.sh"), MIGRATIONS], {
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH}`, PGHOST: dir, PGUSER: ADMIN, PGDATABASE: DATABASE, APP_DB_USER: APP },
      });

    it("applies each migration once and records it", () => {
      const first = run();
      expect(first.status).toBe(0);
      expect(first.stdout).toContain("applying 0001_initial_schema");
      const second = run();
      expect(second.status).toBe(0);
      expect(second.stdout).toContain("0001_initial_schema already applied");
      expect(query("SELECT string_agg(version, ',') FROM schema_migrations")).toBe("0001_initial_schema");
    });

    it("stops when the app role is not named", () => {
      const result = spawnSync("/bin/sh", [path.join(MIGRATIONS, "migrate.sh")], { encoding: "utf8", env: { PATH: process.env.PATH, PGHOST: dir } });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain("APP_DB_USER must name the application role");
    });
  });
});
