// A loopback CONNECT proxy for tests, as a corporate HTTP proxy behaves for HTTPS and (with undici) plain HTTP:
// `CONNECT host:port` opens a tunnel. It tunnels only to loopback addresses (nothing leaves the machine; the gallery
// requests code-server makes when HTTPS_PROXY is set are refused with 403) and records each tunnel: its target, the
// Proxy-Authorization it carried, and the bytes the client sent through it. A plain `GET /__proxy/tunnels` to the
// proxy itself answers that record as JSON, so a test in another process (the extension host) can read it.
import * as http from 'node:http';
import * as net from 'node:net';

export interface Tunnel {
  /** `host:port` as the CONNECT line named it. */
  target: string;
  proxyAuthorization?: string;
  /** Bytes the client sent through the tunnel (the request and its body). */
  bytesUp: number;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:port`. */
  origin: string;
  readonly tunnels: Tunnel[];
  reset(): void;
  close(): Promise<void>;
}

const isLoopbackTarget = (host: string): boolean => host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));

export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: Tunnel[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/__proxy/tunnels') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tunnels));
    } else if (req.method === 'POST' && req.url === '/__proxy/reset') {
      tunnels.length = 0;
      res.writeHead(204).end();
    } else {
      // Absolute-URI requests (plain-HTTP proxying) are not offered: undici tunnels everything with CONNECT.
      res.writeHead(405).end();
    }
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    const split = target.lastIndexOf(':');
    const host = target.slice(0, split).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(split + 1));
    if (!isLoopbackTarget(host) || !Number.isInteger(port)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const auth = req.headers['proxy-authorization'];
    const tunnel: Tunnel = { target, bytesUp: head.length, ...(auth ? { proxyAuthorization: auth } : {}) };
    tunnels.push(tunnel);
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      client.on('data', (chunk: Buffer) => {
        tunnel.bytesUp += chunk.length;
      });
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    tunnels,
    reset: () => {
      tunnels.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The tunnels a proxy started in another process recorded (its control endpoint). */
export async function tunnelsOf(origin: string): Promise<Tunnel[]> {
  return new Promise((resolve, reject) => {
    http
      .get(`${origin}/__proxy/tunnels`, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text) as Tunnel[]));
      })
      .on('error', reject);
  });
}
