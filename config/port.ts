/** TCP ports a service can listen on; 0 means "any port" to the kernel and is nobody's address. */
export const PORT_RANGE = { min: 1, max: 65535 } as const;

export const PORT_RULE = `ports are ${PORT_RANGE.min}-${PORT_RANGE.max}`;

/** The digits after the last `:` of `host:port` text, as a number; undefined without them. */
export function portOf(text: string): number | undefined {
  const match = /:(\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= PORT_RANGE.min && port <= PORT_RANGE.max;
}
