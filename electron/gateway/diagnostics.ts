import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** What a leak would leave behind; tests read it after faults to prove everything was freed. */
export interface GatewayDiagnostics {
  /** requests still inside the pipeline */
  inFlight: number;
  sockets: {
    /** client connections to the proxy port (idle keep-alive ones included) */
    proxy: number;
    /** connections to the admin port (dashboards, SSE) */
    admin: number;
    /** upstream sockets carrying a request */
    upstreamActive: number;
    /** upstream keep-alive sockets parked for reuse */
    upstreamIdle: number;
  };
  /** upstream calls still waiting for their response headers */
  upstreamPending: number;
  timers: {
    /** per-request upstream connect timers still armed */
    upstreamConnect: number;
    /** the batched-write timer (0 or 1) */
    storeFlush: number;
    /** Timeout handles keeping this whole process alive (process-wide: includes anything else in it) */
    process: number;
  };
  /** trace/spend writes queued for the next batch */
  pendingWrites: number;
  /** dashboards attached to the live event stream */
  eventClients: number;
}

/** Counts a server's open connections (server.getConnections is async; diagnostics are read synchronously). */
export function trackSockets(server: Server): () => number {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return () => sockets.size;
}

export function countProcessTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
