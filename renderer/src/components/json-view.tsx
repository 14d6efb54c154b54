import { memo } from 'react';

/** Bodies beyond this are shown cut, so one huge prompt cannot freeze the pane. */
const MAX_CHARS = 200_000;
const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Pretty-printed JSON with light colouring; plain text is shown as it is. */
export const JsonView = memo(function JsonView({ value, label }: { value: unknown; label?: string }) {
  if (value === null || value === undefined) return <p className="dim small">{label ?? 'Body'} not kept.</p>;
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const isCut = text.length > MAX_CHARS;
  const shown = isCut ? text.slice(0, MAX_CHARS) : text;
  return (
    <pre className="json" aria-label={label}>
      {typeof value === 'string' ? shown : colourize(shown)}
      {isCut && <span className="dim">{`\n… ${(text.length - MAX_CHARS).toLocaleString()} more characters`}</span>}
    </pre>
  );
});

function colourize(text: string): React.ReactNode[] {
  const out: React.ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index;
    if (index > last) out.push(text.slice(last, index));
    const [whole, str, colon, keyword, number] = match;
    if (str !== undefined) {
      out.push(
        <span key={key++} className={colon ? 'j-key' : 'j-str'}>
          {str}
        </span>,
      );
      if (colon) out.push(colon);
    } else if (keyword !== undefined) {
      out.push(<span key={key++} className="j-kw">{keyword}</span>);
    } else if (number !== undefined) {
      out.push(<span key={key++} className="j-num">{number}</span>);
    }
    last = index + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
