/** DigitalOcean managed database ports: PostgreSQL, its PgBouncer pools and Valkey, MongoDB. */
export const DATABASE_PORTS = [25060, 25061, 27017] as const;
