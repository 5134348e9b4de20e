// How the rehearsal's stand-ins listen: on 127.0.0.1 only, on a free port, and never longer than
// `lifetimeMs` (a run that dies leaves no server behind).

/** Listens with `server`; resolves to its port and a close() that also drops kept-alive connections. */
export async function listenOnLoopback(server, lifetimeMs) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const timer = setTimeout(() => server.close(), lifetimeMs);
  timer.unref();
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
