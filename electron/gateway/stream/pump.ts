import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** The client went away mid-answer; reads as a 499 in the trace. */
export class ClientGoneError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('the client closed the connection');
  }
}

/**
 * Moves an upstream body to the client chunk by chunk as it arrives (no coalescing), with backpressure:
 * the upstream is paused while the client's socket is full. `transform` sees every chunk and returns what
 * to send (empty sends nothing). Resolves at the upstream's end; rejects on its error or the client leaving.
 */
export function pumpBody(source: Readable, sink: ServerResponse, transform: (chunk: Buffer) => Buffer | string,
  onFirstByte: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let sentAny = false;
    const resume = () => source.resume();
    const onClose = () => finish(new ClientGoneError());
    const finish = (err?: Error) => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', finish);
      sink.off('close', onClose);
      sink.off('drain', resume);
      if (err) reject(err); else resolve();
    };
    const onData = (chunk: Buffer) => {
      const out = transform(chunk);
      if (out.length === 0) return;
      if (!sentAny) { sentAny = true; onFirstByte(); }
      if (!sink.write(out)) {
        source.pause();
        sink.once('drain', resume);
      }
    };
    const onEnd = () => finish();
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', finish);
    sink.once('close', onClose);
  });
}
