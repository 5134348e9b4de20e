/**
 * The backend's authentication endpoints, which get the guide's stricter auth
 * rate limit: every path under these prefixes (login, register, refresh,
 * password reset). The ingress limits them, the edge rate-limits them, the
 * security alerts count their failures: one list for all three.
 */
export const BACKEND_AUTH_PATHS = ["/api/auth", "/auth"] as const;
