import { RawHttpClient } from '../lib/raw-http-client.ts';

/** A small keep-alive JSON client for the benchmarks (bench/lib/raw-http-client.ts): no retries, status and body back. */
export class BenchClient {
  private readonly client: RawHttpClient;

  constructor(port: number) {
    this.client = new RawHttpClient(port);
  }

  request(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
    const headers = options.token ? { authorization: `Bearer ${options.token}`, ...options.headers } : (options.headers ?? {});
    const request = this.client.bytes(method, path, headers, options.body === undefined ? undefined : JSON.stringify(options.body));
    return new Promise((resolve) => {
      this.client.send(request, (status, bytes) => {
        const text = bytes.toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // Not JSON: keep the text for the failure report.
        }
        resolve({ status, body });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
