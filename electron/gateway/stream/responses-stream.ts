import { SseSplitter } from './sse-splitter';

type Json = Record<string, unknown>;

/** Reads a Responses API SSE stream beside the pipe; the final `response.completed` carries everything. */
export class ResponsesStreamAccumulator {
  private readonly splitter = new SseSplitter();
  private textParts = '';
  response: Json | null = null;
  usage: Json | null = null;
  status: string | null = null;
  malformed = 0;
  error: Json | null = null;

  push(chunk: Buffer): Buffer {
    for (const e of this.splitter.push(chunk)) this.read(e.data);
    return chunk;
  }

  private read(data: string) {
    if (data === '' || data === '[DONE]') return;
    let obj: Json;
    try { obj = JSON.parse(data) as Json; } catch { this.malformed++; return; }
    const type = obj.type;
    if (type === 'response.output_text.delta' && typeof obj.delta === 'string') this.textParts += obj.delta;
    else if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      this.response = (obj.response ?? null) as Json | null;
      this.usage = (this.response?.usage ?? null) as Json | null;
      this.status = type.slice('response.'.length);
      if (type === 'response.failed') this.error = (this.response?.error ?? { message: 'response.failed' }) as Json;
    } else if (type === 'error') this.error = obj;
  }

  get complete(): boolean {
    return this.status === 'completed' && this.response !== null;
  }

  text(): string {
    return this.textParts;
  }
}
