// A TCP proxy a test can cut: the service under test talks to PostgreSQL (or anything else)
// through it, and the test makes the server unreachable and back without touching the server.
//   refuse  – stop listening and reset every open connection (a crashed or restarted server)
//   stall   – keep accepting but forward nothing (a network partition: packets vanish)
//   restore – listen again on the same port and forward
import net from 'node:net';

export interface TcpProxy {
  port: number;
  refuse(): Promise<void>;
  stall(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
  /** Connections forwarded since the start. */
  readonly forwarded: number;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let mode: 'forward' | 'stall' = 'forward';
  let forwarded = 0;
  let port = 0;

  const onConnection = (client: net.Socket) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (mode === 'stall') return; // accepted, never answered
    forwarded++;
    const upstream = net.connect(target.port, target.host);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };

  let server: net.Server | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
      for (const sock of open) sock.resetAndDestroy();
    });

  await listen();
  return {
    get port() {
      return port;
    },
    get forwarded() {
      return forwarded;
    },
    refuse: stopListening,
    stall() {
      mode = 'stall';
      for (const sock of open) sock.resetAndDestroy();
    },
    async restore() {
      // What was accepted during a stall never reached the server: those connections are dropped
      // (as the client's own timeout would), new ones are forwarded.
      if (mode === 'stall') for (const sock of open) sock.resetAndDestroy();
      mode = 'forward';
      if (!server) await listen();
    },
    close: stopListening,
  };
}
