/**
 * A fault-injecting TCP proxy on loopback, for the PostgreSQL fault tests. Listens on
 * 127.0.0.1:<random port> only and forwards to one loopback target. Faults:
 * - `drop()`: destroys every connection now (a server crash / network reset);
 * - `blackhole()`: keeps every socket open but forwards nothing more, either way, and accepts new
 *   connections without forwarding them (a dead route, a firewall dropping packets);
 * - `dropAfter(bytes)`: `drop()` once that many bytes went client → server (mid-import).
 * Nothing loops on its own: every action is one call, and `close()` ends everything (tests also
 * give it a hard timer, so a failing test cannot leave it running).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  readonly port: number;
  /** `url` with host:port replaced by the proxy's. */
  via(url: string): string;
  drop(): void;
  blackhole(): void;
  dropAfter(bytes: number): void;
  /** Bytes forwarded client → server so far. */
  readonly bytesUp: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }, maxLifetimeMs = 120_000): Promise<FaultProxy> {
  if (!['127.0.0.1', 'localhost', '::1'].includes(target.host)) throw new Error(`the fault proxy forwards to loopback only, not ${target.host}`);
  const sockets = new Set<Socket>();
  let mode: 'pass' | 'blackhole' = 'pass';
  let up = 0;
  let dropAt = Infinity;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'blackhole') {
      client.on('data', () => undefined); // swallowed
      return;
    }
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      if (mode === 'blackhole') return;
      up += chunk.length;
      upstream.write(chunk);
      if (up >= dropAt) {
        dropAt = Infinity;
        dropAll();
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'blackhole') return;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const lifetime = setTimeout(() => void proxy.close(), maxLifetimeMs);
  lifetime.unref();
  const proxy: FaultProxy = {
    port,
    via(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    drop: dropAll,
    blackhole() {
      mode = 'blackhole';
    },
    dropAfter(bytes: number) {
      dropAt = up + bytes;
    },
    get bytesUp() {
      return up;
    },
    async close() {
      clearTimeout(lifetime);
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
