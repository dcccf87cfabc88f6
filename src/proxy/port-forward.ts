// The TCP half of `kctl port-forward`: listen on 127.0.0.1:LOCAL and pipe every connection to the pod's
// published 127.0.0.1 host port for REMOTE. The host port is looked up again for each connection (a pod whose
// sandbox was recreated publishes new ephemeral ports). Loopback only, both ways: nothing here binds or
// connects anywhere else.
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

export interface ForwardedPort {
  /** 0: an ephemeral port, chosen at listen time */
  local: number;
  remote: number;
}

export interface PortForwardOptions {
  ports: ForwardedPort[];
  /** the 127.0.0.1 host port a new connection for `remote` goes to; rejects when it cannot be reached */
  target(remote: number): Promise<number>;
  /** a connection was accepted on `local` (kubectl: `Handling connection for 8080`) */
  onConnection?(p: ForwardedPort): void;
  /** forwarding one connection failed (the client's socket is closed) */
  onError?(p: ForwardedPort, err: Error): void;
}

export interface ListenFailure {
  port: ForwardedPort;
  error: Error & { code?: string };
}

export interface PortForwarder {
  /** the ports that listen, with the actual local port */
  listening: ForwardedPort[];
  /** the ports that could not listen (address in use ...) */
  failed: ListenFailure[];
  /** stops listening and ends every open connection */
  close(): Promise<void>;
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Starts one listener per port; those that fail are reported, not thrown (kubectl goes on with the others). */
export async function startPortForward(o: PortForwardOptions): Promise<PortForwarder> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const listening: ForwardedPort[] = [];
  const failed: ListenFailure[] = [];

  for (const want of o.ports) {
    const server = net.createServer({ pauseOnConnect: true });
    let actual: ForwardedPort | undefined;
    server.on('connection', (client) => {
      const p = actual!;
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      o.onConnection?.(p);
      void pipeTo(client, p);
    });
    try {
      const port = await listen(server, want.local);
      actual = { local: port, remote: want.remote };
      servers.push(server);
      listening.push(actual);
    } catch (e) {
      server.close();
      failed.push({ port: want, error: e as Error });
    }
  }

  async function pipeTo(client: net.Socket, p: ForwardedPort): Promise<void> {
    let hostPort: number;
    try {
      hostPort = await o.target(p.remote);
    } catch (e) {
      o.onError?.(p, e as Error);
      client.end();
      return;
    }
    if (client.destroyed) return;
    const upstream = net.connect({ host: LOOPBACK, port: hostPort });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.end();
    });
    client.on('close', () => upstream.end());
    upstream.on('error', (e) => {
      o.onError?.(p, e);
      client.end();
    });
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  return {
    listening,
    failed,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))).concat(
        [...sockets].map(async (s) => void s.destroy()),
      ));
    },
  };
}

/** A connection to 127.0.0.1:`port` (a pod's published port), once connected; rejects with the connect error. */
export function connectLoopback(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: LOOPBACK, port });
    const onError = (e: Error): void => {
      s.destroy();
      reject(e);
    };
    s.once('error', onError);
    s.once('connect', () => {
      s.off('error', onError);
      resolve(s);
    });
  });
}
