import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  body: Buffer;
  contentType: string | undefined;
  cacheControl: string | undefined;
}

export interface FakeS3Server {
  url: string;
  /** `<bucket>/<key>` -> the object as stored. */
  objects: Map<string, StoredObject>;
  /** Every request's method and path, in order. */
  requests: { method: string; path: string; authorized: boolean }[];
  close(): Promise<void>;
}

function body(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * The slice of the S3 API the media store uses, path-style (`/<bucket>/<key>`), on loopback: PutObject,
 * GetObject and DeleteObject, in memory. The real AWS SDK talks to it as to MinIO; requests must carry a
 * SigV4 Authorization header for the given access key (the signature itself is not recomputed here).
 */
export async function startFakeS3Server(options: { accessKeyId: string }): Promise<FakeS3Server> {
  const objects = new Map<string, StoredObject>();
  const requests: FakeS3Server['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname).replace(/^\//, '');
    const authorized = (request.headers.authorization ?? '').startsWith(`AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/`);
    requests.push({ method: request.method ?? '', path, authorized });
    if (!authorized) {
      response.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    if (request.method === 'PUT') {
      objects.set(path, { body: await body(request), contentType: request.headers['content-type'], cacheControl: request.headers['cache-control'] });
      response.writeHead(200, { etag: '"fake"' }).end();
    } else if (request.method === 'DELETE') {
      objects.delete(path);
      response.writeHead(204).end();
    } else if (request.method === 'GET' && objects.has(path)) {
      const object = objects.get(path)!;
      response.writeHead(200, { 'content-type': object.contentType ?? 'application/octet-stream' }).end(object.body);
    } else {
      response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
