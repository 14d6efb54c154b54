import { request } from 'node:http';

export interface RawAnswer { status: number; body: string }

/**
 * One request over node:http on a fresh connection (no keep-alive reuse races) with a deadline, so a gateway that
 * never answers fails the test instead of hanging it. For hostile input the SDK would refuse to send.
 */
export function sendRaw(port: number, method: string, path: string, body: Buffer | string | null, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer within 10 s: ${method} ${path}`)));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
