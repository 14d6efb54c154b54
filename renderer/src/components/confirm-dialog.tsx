import type { ReactNode } from 'react';
import { useHotkeys } from '../lib/hotkeys';

/** A modal question; Enter confirms, Esc cancels. */
export function ConfirmDialog({ title, children, confirmLabel, isBusy, onConfirm, onCancel }: {
  title: string; children: ReactNode; confirmLabel: string; isBusy: boolean; onConfirm(): void; onCancel(): void;
}) {
  useHotkeys({ Enter: () => !isBusy && onConfirm(), Escape: onCancel });
  return (
    <div className="overlay" onClick={onCancel}>
      <div className="dialog" role="alertdialog" aria-label={title} onClick={(e) => e.stopPropagation()}>
        <h2>{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCancel}>Cancel</button>
          <button type="button" className="button danger-solid" onClick={onConfirm} disabled={isBusy} autoFocus>
            {isBusy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
