import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** the event exactly as it arrived, terminator included */
  raw: string;
  event: string | null;
  data: string;
}

const BOUNDARY = /\r\n\r\n|\n\n|\r\r/;

/** Splits a byte stream into whole SSE events; a partial event waits for its end. */
export class SseSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  push(chunk: Buffer): SseEvent[] {
    this.pending += this.decoder.write(chunk);
    const events: SseEvent[] = [];
    for (;;) {
      const m = BOUNDARY.exec(this.pending);
      if (!m) break;
      const end = m.index + m[0].length;
      const raw = this.pending.slice(0, end);
      this.pending = this.pending.slice(end);
      events.push(parseEvent(raw, m.index));
    }
    return events;
  }

  /** whatever never got its terminator */
  rest(): string {
    return this.pending + this.decoder.end();
  }
}

function parseEvent(raw: string, bodyEnd: number): SseEvent {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of raw.slice(0, bodyEnd).split(/\r\n|\n|\r/)) {
    if (line.startsWith('data:')) data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
    else if (line.startsWith('event:')) event = line.slice(6).trim();
  }
  return { raw, event, data: data.join('\n') };
}
