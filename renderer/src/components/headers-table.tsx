const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|openai-api-key|anthropic-api-key)$|(^|-)(token|secret|api-?key)$/i;
const SECRET_VALUE = /\b(sk-[A-Za-z0-9_-]{6,}|Bearer\s+\S+)/g;

/** Hides credentials even if the gateway already did: a screenshot of this pane must never leak a key. */
export function redactHeaderValue(name: string, value: string): string {
  if (SECRET_HEADER.test(name)) return value ? '•••• redacted' : value;
  return value.replace(SECRET_VALUE, '•••• redacted');
}

export function HeadersTable({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="dim small">No {label.toLowerCase()} kept.</p>;
  return (
    <table className="kv headers" aria-label={label}>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th className="mono">{name}</th>
            <td className="mono">{redactHeaderValue(name, String(value))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
