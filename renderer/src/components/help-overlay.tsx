import { useHotkeys } from '../lib/hotkeys';
import { useAppStore } from '../store';
import { navSelectors, PAGES } from '../store/nav-slice';

const SECTIONS: Array<{ title: string; keys: Array<[string, string]> }> = [
  { title: 'Anywhere', keys: [...PAGES.map((p): [string, string] => [`g ${p.key}`, p.label]), ['/', 'Search this page'], ['?', 'This help'], ['Esc', 'Close, leave a field']] },
  { title: 'Traces', keys: [['j / k', 'Next / previous request'], ['Enter', 'Open the detail'], ['Esc', 'Close the detail'], ['Space', 'Pause / resume live rows'], ['a', 'Auto-scroll on / off'], ['x', 'Clear filters']] },
  { title: 'Cache', keys: [['j / k', 'Next / previous entry'], ['x', 'Select / unselect'], ['Enter', 'Inspect'], ['Delete', 'Invalidate the selection']] },
  { title: 'Projects', keys: [['j / k', 'Next / previous project'], ['n', 'New project']] },
];

export function HelpOverlay() {
  const isOpen = useAppStore(navSelectors.isHelpOpen);
  const setOpen = useAppStore((s) => s.setHelpOpen);
  if (!isOpen) return null;
  return <HelpDialog onClose={() => setOpen(false)} />;
}

function HelpDialog({ onClose }: { onClose(): void }) {
  useHotkeys({ Escape: onClose });
  return (
    <div className="overlay" onClick={onClose}>
      <div className="dialog help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <div className="help-grid">
          {SECTIONS.map((section) => (
            <section key={section.title}>
              <h3>{section.title}</h3>
              <dl>
                {section.keys.map(([key, label]) => (
                  <div key={key} className="help-row">
                    <dt><kbd>{key}</kbd></dt>
                    <dd>{label}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
