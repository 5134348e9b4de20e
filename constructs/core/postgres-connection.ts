/**
 * How the jobs that own the schema or read every table (the schema migration, the backups)
 * reach PostgreSQL: ManagedPostgres.migrationConnection.
 */
export interface MigrationConnection {
  /** The primary's private host: a direct session, never a PgBouncer pool (migrations need session state and locks). */
  readonly host: string;
  readonly port: string;
  readonly database: string;
  /** The role that owns the schema: the cluster's admin role. */
  readonly adminUser: string;
  readonly adminPassword: string;
  /** The application's role, which the migrations grant data access to. */
  readonly appUser: string;
}
