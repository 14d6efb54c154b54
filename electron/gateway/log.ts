export type LogSink = (line: Record<string, unknown>) => void;

const KEY_LIKE = /\b(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/-]{8,}=*)/g;

/** Strips anything that looks like a provider key or bearer token from text bound for logs or traces. */
export function redactSecrets(text: string): string {
  return text.replace(KEY_LIKE, (m) => (m.startsWith('Bearer') ? 'Bearer [REDACTED]' : m.slice(0, 3) + '[REDACTED]'));
}

export function createLogger(sink?: LogSink) {
  const write: LogSink = sink ?? ((line) => process.stderr.write(JSON.stringify(line) + '\n'));
  const emit = (level: string, msg: string, fields: Record<string, unknown> = {}) => {
    const line: Record<string, unknown> = { ts: new Date().toISOString(), level, msg, ...fields };
    if (fields.err instanceof Error) line.err = redactSecrets(fields.err.stack ?? fields.err.message);
    write(line);
  };
  return {
    info: (msg: string, fields?: Record<string, unknown>) => emit('info', msg, fields),
    warn: (msg: string, fields?: Record<string, unknown>) => emit('warn', msg, fields),
    error: (msg: string, fields?: Record<string, unknown>) => emit('error', msg, fields),
  };
}

export type Logger = ReturnType<typeof createLogger>;
