import { execFileSync } from "child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { found, missing, type Lookup } from "./tools";

/** The newest PostgreSQL installed by Debian's packages, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((major) => /^\d+$/.test(major) && existsSync(path.join(root, major, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? path.join(root, majors[0], "bin") : undefined;
}

/** The server binaries for a suite's lookup (requireTool). */
export function postgresServer(): Lookup<string> {
  const bin = postgresBinaries();
  return bin ? found(bin) : missing("no PostgreSQL server (no initdb under /usr/lib/postgresql/*/bin; apt-get install -y postgresql)");
}

/** initdb refuses to run as root: the server then runs as Debian's `postgres` user. */
const asRoot = process.getuid?.() === 0;

function serverCommand(file: string, args: string[]): void {
  const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
  execFileSync(command, argv, { stdio: "pipe" });
}

export interface ThrowawayPostgres {
  /** The temporary directory: data, log and the unix socket (connect with `-h <dir>`, user postgres). */
  readonly dir: string;
  /** Stops the server and removes the directory. */
  stop(): void;
}

/**
 * A throwaway PostgreSQL cluster in a fresh temporary directory, reachable
 * only through a unix socket there (no TCP listener), with fsync off: its data
 * is thrown away. Stop it in afterAll.
 */
export function startThrowawayPostgres(bin: string, prefix: string): ThrowawayPostgres {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  if (asRoot) {
    const [uid, gid] = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" })));
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  serverCommand(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "--no-locale", "-E", "UTF8"]);
  const options = `-c listen_addresses='' -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off`;
  serverCommand(path.join(bin, "pg_ctl"), ["-D", data, "-w", "-s", "-l", path.join(dir, "server.log"), "-o", options, "start"]);
  return {
    dir,
    stop() {
      if (existsSync(path.join(data, "postmaster.pid"))) serverCommand(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-s", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
