/** One dispatched server-sent event. */
export interface SseMessage {
  /** the `event:` field; 'message' when absent */
  event: string;
  /** `data:` lines joined with '\n' */
  data: string;
  /** the last `id:` seen on the stream, as the spec's "last event ID" */
  id: string;
}

export interface SseParser {
  /** feed decoded text; chunks may split lines, CRLF pairs and events anywhere */
  push(chunk: string): void;
  /** the stream ended: an event without its closing blank line is dropped, as browsers do */
  end(): void;
}

export interface SseHandlers {
  onMessage(message: SseMessage): void;
  /** a `retry:` field asked for this reconnection delay, ms */
  onRetry?(ms: number): void;
  /** a comment line (`: heartbeat`); useful as a liveness signal */
  onComment?(text: string): void;
}

/** Incremental parser for the text/event-stream format (WHATWG HTML, "server-sent events"). */
export function createSseParser(handlers: SseHandlers): SseParser {
  let buffer = '';
  let skipLeadingLf = false;
  let isFirstChunk = true;
  let eventType = '';
  let dataLines: string[] = [];
  let lastEventId = '';

  const dispatch = (): void => {
    const hasData = dataLines.length > 0;
    const message: SseMessage = { event: eventType || 'message', data: dataLines.join('\n'), id: lastEventId };
    eventType = '';
    dataLines = [];
    if (hasData) handlers.onMessage(message);
  };

  const processLine = (line: string): void => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) {
      handlers.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);

    if (field === 'data') dataLines.push(value);
    else if (field === 'event') eventType = value;
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) handlers.onRetry?.(Number(value));
  };

  return {
    push(chunk) {
      if (isFirstChunk && chunk.length > 0) {
        isFirstChunk = false;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const char = buffer[i];
        if (char === '\n' && skipLeadingLf && i === start) {
          // the LF of a CRLF whose CR ended the previous chunk
          skipLeadingLf = false;
          start = i + 1;
          continue;
        }
        skipLeadingLf = false;
        if (char !== '\r' && char !== '\n') continue;
        processLine(buffer.slice(start, i));
        if (char === '\r') {
          if (i + 1 < buffer.length) {
            if (buffer[i + 1] === '\n') i++;
          } else {
            skipLeadingLf = true;
          }
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    end() {
      buffer = '';
      eventType = '';
      dataLines = [];
    },
  };
}
