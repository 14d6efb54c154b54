import { useState } from 'react';

/** A one-line snippet with a copy button (falls back to selecting the text where the clipboard is blocked). */
export function CopySnippet({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = (event: React.MouseEvent<HTMLButtonElement>): void => {
    const pre = event.currentTarget.parentElement?.querySelector('pre');
    const fallback = (): void => {
      if (pre) window.getSelection()?.selectAllChildren(pre);
    };
    if (!navigator.clipboard) return fallback();
    navigator.clipboard.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1_500);
    }, fallback);
  };
  return (
    <div className="snippet">
      <pre className="code" aria-label={label}>{text}</pre>
      <button type="button" className="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
