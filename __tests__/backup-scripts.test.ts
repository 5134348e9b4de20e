import { execFileSync, spawn, spawnSync, type ChildProcess } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import { createServer } from "net";
import { homedir } from "os";
import { gzipSync } from "zlib";
import * as path from "path";
import { postgresServer, startThrowawayPostgres, type ThrowawayPostgres } from "./postgres-server";
import { found, missing, onPath, requireTool } from "./tools";

/**
 * Runs the backup scripts of backup/ — the files the CronJobs mount — against
 * a real PostgreSQL server (Debian's package, a throwaway cluster on a unix
 * socket) and a local S3-compatible server (moto in server mode, from PyPI,
 * on 127.0.0.1), with two buckets standing for the primary and a DR region.
 * Encryption is real `age`. mongodump and mongorestore cannot be installed
 * here (no Debian package; the Go module proxy refuses mongo-tools), so the
 * scripts' mongodump/mongorestore branches are not run (BACKUP_DATABASES=postgres);
 * the restore test's MongoDB checks run on planted dumps.
 *
 * Without the tools the suite is skipped with a line at the end of the run; with
 * CRYPTOPULSE_REQUIRE_BACKUP_TOOLS=1 (CI) it fails instead.
 */

const SCRIPTS = path.resolve(__dirname, "..", "backup");
/** Where .ci/run installs moto[server] and the aws CLI (backup/test-requirements.txt); override with CRYPTOPULSE_BACKUP_VENV. */
const VENV_BIN = path.join(process.env.CRYPTOPULSE_BACKUP_VENV ?? path.join(homedir(), ".cache", "cryptopulse-backup-venv"), "bin");
const ENV_NAME = "testenv";
const SOURCE = "cryptopulse";
const BUCKETS = { PRIMARY: "cp-testenv-backup-fra1", DR: "cp-testenv-backup-ams3" } as const;

interface BackupTools {
  readonly pgBin: string;
  readonly age: string;
  readonly ageKeygen: string;
  readonly aws: string;
  readonly moto_server: string;
}

const BACKUP_TOOLS = requireTool<BackupTools>({
  suite: "backup script tests",
  requireVariable: "CRYPTOPULSE_REQUIRE_BACKUP_TOOLS",
  lookup: () => {
    const postgres = postgresServer();
    const located = {
      postgres: "found" in postgres ? postgres.found : undefined,
      age: onPath("age"),
      "age-keygen": onPath("age-keygen"),
      aws: onPath("aws", [VENV_BIN]),
      moto_server: onPath("moto_server", [VENV_BIN]),
    };
    const { postgres: pgBin, age, "age-keygen": ageKeygen, aws, moto_server } = located;
    if (pgBin && age && ageKeygen && aws && moto_server) return found({ pgBin, age, ageKeygen, aws, moto_server });
    const absent = Object.entries(located).flatMap(([tool, where]) => (where ? [] : [tool]));
    return missing(
      `missing ${absent.join(", ")} (apt-get install -y postgresql age; python3 -m venv ~/.cache/cryptopulse-backup-venv && ` +
        "~/.cache/cryptopulse-backup-venv/bin/pip install -r backup/test-requirements.txt)",
    );
  },
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

BACKUP_TOOLS.describe("backup scripts against PostgreSQL, age and an S3 server", (tools) => {
  const { pgBin } = tools;
  let server: ThrowawayPostgres | undefined;
  let dir = "";
  let moto: ChildProcess | undefined;
  let endpoint = "";
  let baseEnv: NodeJS.ProcessEnv = {};

  function sql(database: string, statement: string): string {
    const result = spawnSync(path.join(pgBin, "psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", dir, "-U", "postgres", "-d", database], {
      input: statement,
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout.trim();
  }

  function script(name: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Run {
    const result = spawnSync("sh", [path.join(SCRIPTS, name), ...args], { env: { ...baseEnv, ...env }, encoding: "utf8", timeout: 120_000 });
    return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
  }

  function aws(args: string[]): string {
    return execFileSync(tools.aws, ["--endpoint-url", endpoint, ...args], { env: baseEnv, encoding: "utf8" });
  }

  function keysIn(bucket: string): string[] {
    return aws(["s3", "ls", "--recursive", `s3://${bucket}/`])
      .split("\n")
      .map((line) => line.trim().split(/\s+/)[3])
      .filter(Boolean)
      .sort();
  }

  /** Every row of every public table, as text: what a restore must reproduce. */
  const contents = (database: string) =>
    ["users", "trades"].map((table) => sql(database, `SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM public.${table} t`)).join("\n--\n");

  beforeAll(async () => {
    server = startThrowawayPostgres(pgBin, "cryptopulse-backup-");
    dir = server.dir;
    sql("postgres", `CREATE DATABASE ${SOURCE}`);
    sql(
      SOURCE,
      `CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, created_at timestamptz NOT NULL);
       CREATE TABLE trades (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users, pair text NOT NULL, amount numeric(20,8) NOT NULL);
       INSERT INTO users (email, created_at) SELECT 'user' || n || '@example.com', '2026-01-01'::timestamptz + n * interval '1 hour' FROM generate_series(1, 50) n;
       INSERT INTO trades (user_id, pair, amount) SELECT 1 + n % 50, 'BTC/USD', n / 7.0 FROM generate_series(1, 500) n;`,
    );

    const keygen = (name: string) => {
      execFileSync(tools.ageKeygen, ["-o", path.join(dir, `${name}.key`)], { stdio: "pipe" });
      writeFileSync(path.join(dir, `${name}.pub`), execFileSync(tools.ageKeygen, ["-y", path.join(dir, `${name}.key`)], { encoding: "utf8" }));
    };
    keygen("operator");
    keygen("stranger");

    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn(tools.moto_server, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    const target = (token: string, bucket: string) => ({
      [`${token}_BUCKET`]: bucket,
      [`${token}_ENDPOINT`]: endpoint,
      [`${token}_ACCESS_KEY_ID`]: `key-${token.toLowerCase()}`,
      [`${token}_SECRET_ACCESS_KEY`]: `secret-${token.toLowerCase()}`,
    });
    baseEnv = {
      PATH: [VENV_BIN, pgBin, process.env.PATH].join(path.delimiter),
      HOME: dir,
      TMPDIR: dir,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_DEFAULT_REGION: "us-east-1",
      PGHOST: dir,
      PGUSER: "postgres",
      PGDATABASE: SOURCE,
      BACKUP_ENV: ENV_NAME,
      BACKUP_DATABASES: "postgres",
      BACKUP_TARGETS: "PRIMARY DR",
      BACKUP_RECIPIENTS_FILE: path.join(dir, "operator.pub"),
      ...target("PRIMARY", BUCKETS.PRIMARY),
      ...target("DR", BUCKETS.DR),
    };
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        for (const bucket of Object.values(BUCKETS)) aws(["s3api", "create-bucket", "--bucket", bucket]);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }, 90_000);

  afterAll(() => {
    moto?.kill("SIGTERM");
    server?.stop();
  });

  describe("a backup, then restores", () => {
    let key = "";

    beforeAll(() => {
      const run = script("backup.sh");
      if (run.status !== 0) throw new Error(`backup.sh failed: ${run.stderr}`);
      [key] = keysIn(BUCKETS.PRIMARY);
    }, 120_000);

    it("stores the encrypted dump under a dated key in the primary bucket and copies it to the DR bucket", () => {
      const today = new Date().toISOString().slice(0, 10).replace(/-/g, "/");
      expect(key).toMatch(new RegExp(`^dumps/${ENV_NAME}/${today}/\\d{8}T\\d{6}Z-postgres\\.pgdump\\.age$`));
      expect(keysIn(BUCKETS.DR)).toEqual([key]);
      const local = path.join(dir, "fetched.age");
      aws(["s3", "cp", `s3://${BUCKETS.PRIMARY}/${key}`, local]);
      const ciphertext = readFileSync(local);
      expect(ciphertext.subarray(0, 21).toString()).toBe("age-encryption.org/v1");
      // No plaintext of the dump in the object.
      expect(ciphertext.includes("user1@example.com")).toBe(false);
      expect(ciphertext.includes("PGDMP")).toBe(false);
    });

    it("restores the newest dump from either region into a scratch database, equal to the source", () => {
      for (const source of ["PRIMARY", "DR"]) {
        const scratch = `restored_${source.toLowerCase()}`;
        sql("postgres", `CREATE DATABASE ${scratch}`);
        const run = script("restore.sh", ["postgres", source], { BACKUP_IDENTITY_FILE: path.join(dir, "operator.key"), RESTORE_DATABASE: scratch });
        expect(run.stderr).not.toMatch(/ERROR/);
        expect(run.status).toBe(0);
        expect(run.stdout).toBe(key);
        expect(contents(scratch)).toBe(contents(SOURCE));
        expect(sql(scratch, "SELECT count(*) FROM trades")).toBe("500");
      }
    });

    const restoreTest = (env: NodeJS.ProcessEnv = {}) =>
      script("restore-test.sh", [], { BACKUP_IDENTITY_FILE: path.join(dir, "operator.key"), RESTORE_COUNT_TOLERANCE_PERCENT: "0", ...env });
    const scratchDatabases = () => sql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'restore_test_%'");

    it("passes the restore test on the primary's dump and the DR region's copy, and drops its scratch databases", () => {
      const run = restoreTest();
      expect(run.stderr).toMatch(new RegExp(`restored ${key} from PRIMARY into restore_test_\\d+_primary`));
      expect(run.stderr).toMatch(new RegExp(`restored ${key} from DR into restore_test_\\d+_dr`));
      expect(run.stderr).toContain(`restore test passed: ${key}, in PRIMARY, DR`);
      expect(run.status).toBe(0);
      expect(scratchDatabases()).toBe("0");
    });

    describe("a DR copy that is not the primary's newest dump", () => {
      const parked = (object: string) => object.replace(/^dumps\//, "parked/");
      const older = () => key.replace(/\d{8}T\d{6}Z/, "20000101T000000Z");
      afterEach(() => {
        for (const object of keysIn(BUCKETS.DR).filter((name) => name !== key)) aws(["s3", "rm", `s3://${BUCKETS.DR}/${object}`]);
        if (!keysIn(BUCKETS.DR).includes(key)) aws(["s3", "cp", `s3://${BUCKETS.PRIMARY}/${key}`, `s3://${BUCKETS.DR}/${key}`]);
      });

      it("fails the restore test when the DR region has no dump", () => {
        aws(["s3", "mv", `s3://${BUCKETS.DR}/${key}`, `s3://${BUCKETS.DR}/${parked(key)}`]);
        const run = restoreTest();
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`ERROR: the DR copy is missing: no PostgreSQL dump under dumps/${ENV_NAME}/ in ${BUCKETS.DR} (DR)`);
        expect(scratchDatabases()).toBe("0");
      });

      it("fails the restore test when the DR region's newest dump is older than the primary's", () => {
        aws(["s3", "mv", `s3://${BUCKETS.DR}/${key}`, `s3://${BUCKETS.DR}/${older()}`]);
        const run = restoreTest();
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`ERROR: the DR copy is stale: the newest PostgreSQL dump in DR is ${older()}, the primary's is ${key}`);
        expect(scratchDatabases()).toBe("0");
      });

      it("fails the restore test when the DR copy does not decrypt, after the primary's passed", () => {
        const local = path.join(dir, "dr-copy.age");
        aws(["s3", "cp", `s3://${BUCKETS.DR}/${key}`, local]);
        const corrupted = readFileSync(local);
        corrupted[corrupted.length - 100] ^= 0xff;
        writeFileSync(local, corrupted);
        aws(["s3", "cp", local, `s3://${BUCKETS.DR}/${key}`]);
        try {
          const run = restoreTest();
          expect(run.status).not.toBe(0);
          expect(run.stderr).toContain(`restored ${key} from PRIMARY`);
          expect(run.stderr).toMatch(/ERROR: cannot decrypt .*corrupted/);
          expect(run.stderr).not.toContain("restore test passed");
          expect(scratchDatabases()).toBe("0");
        } finally {
          aws(["s3", "cp", `s3://${BUCKETS.PRIMARY}/${key}`, `s3://${BUCKETS.DR}/${key}`]);
        }
      });
    });

    describe("MongoDB dumps, checked but not restored (no mongorestore here)", () => {
      /** The dump's key as backup.sh writes it, at the PostgreSQL dump's time. */
      const mongoKey = () => key.replace(/-postgres\.pgdump\.age$/, "-mongodb.archive.gz.age");
      /** mongo-tools' archive magic number (0x8199e26d, little-endian), then filler: what the check reads, not a real archive body. */
      const archive = Buffer.concat([Buffer.from([0x6d, 0xe2, 0x99, 0x81]), Buffer.from("collection blocks ".repeat(200))]);

      /** Encrypts `plaintext` to the operator's key as backup.sh does and stores it under the MongoDB key in `buckets`. */
      function plantMongo(plaintext: Buffer, buckets: readonly string[] = Object.values(BUCKETS)): void {
        const plain = path.join(dir, "mongo.archive.gz");
        writeFileSync(plain, plaintext);
        execFileSync(tools.age, ["-R", path.join(dir, "operator.pub"), "-o", `${plain}.age`, plain]);
        for (const bucket of buckets) aws(["s3", "cp", `${plain}.age`, `s3://${bucket}/${mongoKey()}`]);
      }
      const withMongo = () => restoreTest({ BACKUP_DATABASES: "postgres mongodb" });

      afterEach(() => {
        for (const bucket of Object.values(BUCKETS)) {
          for (const object of keysIn(bucket).filter((name) => name.endsWith("-mongodb.archive.gz.age"))) aws(["s3", "rm", `s3://${bucket}/${object}`]);
        }
      });

      it("passes when both regions hold the newest MongoDB dump, a complete gzipped archive", () => {
        plantMongo(gzipSync(archive));
        const run = withMongo();
        expect(run.stderr).toContain(`checked ${mongoKey()} from PRIMARY: a complete mongodump archive`);
        expect(run.stderr).toContain(`checked ${mongoKey()} from DR: a complete mongodump archive`);
        expect(run.stderr).toContain(`restore test passed: ${key} ${mongoKey()}, in PRIMARY, DR`);
        expect(run.status).toBe(0);
      });

      it("fails when the DR region lacks the MongoDB dump", () => {
        plantMongo(gzipSync(archive), [BUCKETS.PRIMARY]);
        const run = withMongo();
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`ERROR: the DR copy is missing: no MongoDB dump under dumps/${ENV_NAME}/ in ${BUCKETS.DR} (DR)`);
      });

      it("fails on a truncated dump", () => {
        const whole = gzipSync(archive);
        plantMongo(whole.subarray(0, whole.length - 40));
        const run = withMongo();
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`ERROR: ${mongoKey()} in PRIMARY is not a complete gzip stream`);
      });

      it("fails on a dump that is not a mongodump archive", () => {
        plantMongo(gzipSync(Buffer.from("Failed: error connecting to db server: no reachable servers\n")));
        const run = withMongo();
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`ERROR: ${mongoKey()} in PRIMARY is not a mongodump archive (it starts with 4661696c)`);
      });

      it("refuses an unknown database in BACKUP_DATABASES, in one line", () => {
        const run = restoreTest({ BACKUP_DATABASES: "postgres mysql" });
        expect(run.status).not.toBe(0);
        expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/ERROR: BACKUP_DATABASES names 'mysql': expected postgres, mongodb or both$/)]);
      });
    });

    it("fails the restore test when the newest dump is older than RESTORE_MAX_DUMP_AGE_HOURS", () => {
      const run = restoreTest({ RESTORE_MAX_DUMP_AGE_HOURS: "0" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`ERROR: the newest PostgreSQL dump in PRIMARY, ${key}, is older than 0 hours: the backups are stale`);
    });

    it("refuses a maximum age that is not a whole number of hours, in one line", () => {
      const run = restoreTest({ RESTORE_MAX_DUMP_AGE_HOURS: "6h" });
      expect(run.status).not.toBe(0);
      expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/ERROR: RESTORE_MAX_DUMP_AGE_HOURS is '6h': expected a whole number of hours$/)]);
    });

    it("fails the restore test when the source moved beyond the tolerance, still dropping the scratch database", () => {
      sql(SOURCE, "CREATE TABLE audit (id int); INSERT INTO audit VALUES (1);");
      try {
        const run = restoreTest();
        expect(run.status).not.toBe(0);
        expect(run.stderr).toMatch(/ERROR: schema of the restored dump \(PRIMARY\) differs/);
        expect(scratchDatabases()).toBe("0");
      } finally {
        sql(SOURCE, "DROP TABLE audit");
      }
    });

    describe("a dump that must not be restored", () => {
      const target = "untouched";
      const sentinel = () => sql(target, "SELECT string_agg(tablename || ':' || (SELECT count(*) FROM sentinel), ',') FROM pg_tables WHERE schemaname = 'public'");

      beforeAll(() => {
        sql("postgres", `CREATE DATABASE ${target}`);
        sql(target, "CREATE TABLE sentinel (n int); INSERT INTO sentinel VALUES (1), (2);");
      });

      /** Uploads `bytes` as a newer dump than the real one, so restore.sh picks it. */
      function plantNewest(bytes: Buffer): string {
        const newer = key.replace(/\d{8}T\d{6}Z/, "29991231T235959Z");
        const file = path.join(dir, "planted.age");
        writeFileSync(file, bytes);
        aws(["s3", "cp", file, `s3://${BUCKETS.PRIMARY}/${newer}`]);
        return newer;
      }

      it("fails loudly on a corrupted dump and leaves the target untouched", () => {
        aws(["s3", "cp", `s3://${BUCKETS.PRIMARY}/${key}`, path.join(dir, "good.age")]);
        const corrupted = readFileSync(path.join(dir, "good.age"));
        corrupted[corrupted.length - 100] ^= 0xff;
        const planted = plantNewest(corrupted);
        const run = script("restore.sh", ["postgres", "PRIMARY"], { BACKUP_IDENTITY_FILE: path.join(dir, "operator.key"), RESTORE_DATABASE: target });
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`restoring s3://${BUCKETS.PRIMARY}/${planted}`);
        expect(run.stderr).toMatch(/ERROR: cannot decrypt .*corrupted/);
        expect(sentinel()).toBe("sentinel:2");
      });

      it("fails loudly on a dump encrypted to another key and leaves the target untouched", () => {
        const foreign = path.join(dir, "foreign.age");
        const plain = path.join(dir, "plain.dump");
        execFileSync(path.join(pgBin, "pg_dump"), ["-Fc", "-h", dir, "-U", "postgres", "-f", plain, SOURCE]);
        execFileSync(tools.age, ["-R", path.join(dir, "stranger.pub"), "-o", foreign, plain]);
        plantNewest(readFileSync(foreign));
        const run = script("restore.sh", ["postgres", "PRIMARY"], { BACKUP_IDENTITY_FILE: path.join(dir, "operator.key"), RESTORE_DATABASE: target });
        expect(run.status).not.toBe(0);
        expect(run.stderr).toMatch(/ERROR: cannot decrypt .*wrong identity/);
        expect(sentinel()).toBe("sentinel:2");
      });

      it("fails loudly on an archive that is not a pg_dump and leaves the target untouched", () => {
        const bogus = path.join(dir, "bogus.age");
        writeFileSync(path.join(dir, "bogus"), "CREATE TABLE intruder (n int);\n");
        execFileSync(tools.age, ["-R", path.join(dir, "operator.pub"), "-o", bogus, path.join(dir, "bogus")]);
        plantNewest(readFileSync(bogus));
        const run = script("restore.sh", ["postgres", "PRIMARY"], { BACKUP_IDENTITY_FILE: path.join(dir, "operator.key"), RESTORE_DATABASE: target });
        expect(run.status).not.toBe(0);
        expect(run.stderr).toMatch(/ERROR: .* is not a pg_dump archive/);
        expect(sentinel()).toBe("sentinel:2");
      });
    });
  });

  it("fails loudly, storing nothing, when pg_dump fails", () => {
    const before = keysIn(BUCKETS.DR);
    const run = script("backup.sh", [], { PGDATABASE: "no_such_database" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/ERROR: pg_dump exited with status/);
    expect(keysIn(BUCKETS.DR)).toEqual(before);
  });
});
