// httpGet and tcpSocket probes made by kctl from the host, through the pod's published 127.0.0.1 port
// (upstream pkg/probe/http and pkg/probe/tcp, which dial the pod IP: kctl never connects to a pod IP from
// the host, it only reaches pods through loopback). The kubelet's one network edge.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export interface HttpProbeRequest {
  scheme: 'HTTP' | 'HTTPS';
  /** host port on 127.0.0.1 */
  port: number;
  path: string;
  /** request headers (Host included when the probe sets one) */
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface ProbeOutcome {
  result: 'success' | 'failure';
  /** body (success) or the failure's reason, as the Unhealthy event shows it */
  output: string;
}

export interface ProbeTransport {
  httpGet(req: HttpProbeRequest): Promise<ProbeOutcome>;
  tcp(port: number, timeoutMs: number): Promise<ProbeOutcome>;
}

/** upstream probe User-Agent (kube-probe/<major>.<minor>) */
export const PROBE_USER_AGENT = 'kube-probe/1.30';
const MAX_BODY = 10 * 1024;
/** After a TCP connect, how long a peer that closes at once is watched for (see tcp()). */
const TCP_SETTLE_MS = 150;
export const LOOPBACK = '127.0.0.1';

function dialError(port: number, err: NodeJS.ErrnoException): string {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${LOOPBACK}:${port}: connect: connection refused`;
  if (err.code === 'ECONNRESET') return `read tcp ${LOOPBACK}:${port}: read: connection reset by peer`;
  return err.message;
}

export class HostProbeTransport implements ProbeTransport {
  httpGet(req: HttpProbeRequest): Promise<ProbeOutcome> {
    const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
    const url = `${req.scheme.toLowerCase()}://${LOOPBACK}:${req.port}${path}`;
    const mod = req.scheme === 'HTTPS' ? https : http;
    return new Promise<ProbeOutcome>((resolve) => {
      let done = false;
      const finish = (o: ProbeOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        r.destroy();
        resolve(o);
      };
      const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*', Connection: 'close', ...req.headers };
      const r = mod.request(
        { host: LOOPBACK, port: req.port, path, method: 'GET', headers, agent: false, rejectUnauthorized: false } as https.RequestOptions,
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (ch: Buffer) => {
            if (size < MAX_BODY) chunks.push(ch);
            size += ch.length;
          });
          const end = (): void => {
            const code = res.statusCode ?? 0;
            const body = Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY);
            if (code >= 200 && code < 400) finish({ result: 'success', output: body });
            else finish({ result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
          };
          res.on('end', end);
          res.on('error', end);
        },
      );
      const timer = setTimeout(
        () => finish({ result: 'failure', output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }),
        req.timeoutMs,
      );
      r.on('error', (err: NodeJS.ErrnoException) => finish({ result: 'failure', output: `Get "${url}": ${dialError(req.port, err)}` }));
      r.end();
    });
  }

  /**
   * Connects to 127.0.0.1:port. Docker's userland proxy accepts on the host port even when nothing listens
   * in the container, then closes the connection at once; so a connection the peer closes within a short
   * settle time (without sending anything) counts as refused.
   */
  tcp(port: number, timeoutMs: number): Promise<ProbeOutcome> {
    return new Promise<ProbeOutcome>((resolve) => {
      let done = false;
      let settle: NodeJS.Timeout | undefined;
      const sock = net.connect({ host: LOOPBACK, port });
      const finish = (o: ProbeOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (settle) clearTimeout(settle);
        sock.destroy();
        resolve(o);
      };
      const timer = setTimeout(() => finish({ result: 'failure', output: `dial tcp ${LOOPBACK}:${port}: i/o timeout` }), timeoutMs);
      let gotData = false;
      sock.on('data', () => {
        gotData = true;
      });
      sock.on('connect', () => {
        settle = setTimeout(() => finish({ result: 'success', output: '' }), Math.max(0, Math.min(TCP_SETTLE_MS, timeoutMs / 2)));
      });
      const closed = (): void => {
        if (gotData) finish({ result: 'success', output: '' });
        else finish({ result: 'failure', output: `dial tcp ${LOOPBACK}:${port}: connect: connection refused` });
      };
      sock.on('end', closed);
      sock.on('close', closed);
      sock.on('error', (err: NodeJS.ErrnoException) => finish({ result: 'failure', output: dialError(port, err) }));
    });
  }
}
