import type { ServerResponse } from 'node:http';
import type { AdminEvent } from '../../../shared/api/events';

const HEARTBEAT_MS = 10_000;

/** Fan-out of live events to every connected dashboard over SSE. */
export function createEventHub() {
  const clients = new Set<ServerResponse>();
  const listeners = new Set<(e: AdminEvent) => void>();
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    publish(event: AdminEvent) {
      for (const fn of listeners) fn(event);
      if (clients.size === 0) return;
      const frame = `data: ${JSON.stringify(event)}\n\n`;
      for (const res of clients) res.write(frame);
    },
    get clientCount() { return clients.size; },
    /** in-process subscribers (the desktop shell's tray and notifications) */
    subscribe(fn: (e: AdminEvent) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    attach(res: ServerResponse, now: number) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(`data: ${JSON.stringify({ type: 'hello', ts: now } satisfies AdminEvent)}\n\n`);
      clients.add(res);
      res.on('close', () => clients.delete(res));
    },
    close() {
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
      listeners.clear();
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
