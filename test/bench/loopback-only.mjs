/**
 * Preloaded into the Portkey gateway under bench (`node --import ./test/bench/loopback-only.mjs`):
 * it may listen and connect on loopback only. Any other outbound connection (telemetry, DNS-over-HTTPS
 * host checks, cloud metadata probes) fails at once, and its listener is bound to 127.0.0.1, not 0.0.0.0.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

/** The host a Socket#connect call targets; null for unix sockets and pipes. */
function hostOf(args) {
  // net.connect() hands Socket#connect its already-normalized [options, callback] array
  const [first, second] = Array.isArray(args[0]) ? args[0] : args;
  if (first && typeof first === 'object') return first.path ? null : String(first.host ?? 'localhost');
  if (typeof first === 'string' && !/^\d+$/.test(first)) return null;
  return typeof second === 'string' ? second : 'localhost';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function patchedConnect(...args) {
  const host = hostOf(args);
  if (host !== null && !LOOPBACK.test(host.replace(/^\[|\]$/g, ''))) {
    process.stderr.write(`loopback-only: blocked an outbound connection to ${host}\n`);
    const err = Object.assign(new Error(`loopback-only: connection to ${host} blocked by the bench`), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function patchedListen(...args) {
  const first = args[0];
  if (typeof first === 'object' && first !== null && !first.path) return listen.call(this, { ...first, host: '127.0.0.1' }, ...args.slice(1));
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const rest = typeof args[1] === 'string' ? args.slice(2) : args.slice(1);
    return listen.call(this, Number(first), '127.0.0.1', ...rest);
  }
  return listen.apply(this, args);
};
