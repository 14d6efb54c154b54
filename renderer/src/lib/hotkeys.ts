import { useEffect, useRef } from 'react';

/**
 * Keyboard-first navigation. A binding is a key ("j", "Enter", "Escape", "/") or a two-key sequence
 * ("g t"). Bindings registered later win (a page's over the app's). Typing in a field never triggers
 * a binding, except Escape, which leaves the field.
 */
export type HotkeyHandler = (event: KeyboardEvent) => void;
export type HotkeyMap = Record<string, HotkeyHandler>;

const SEQUENCE_TIMEOUT_MS = 1_000;
const layers: Array<{ current: HotkeyMap }> = [];
let pendingPrefix: string | null = null;
let prefixTimer: ReturnType<typeof setTimeout> | undefined;
let isInstalled = false;

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
  return false;
}

function findHandler(combo: string): HotkeyHandler | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const handler = layers[i]?.current[combo];
    if (handler) return handler;
  }
  return undefined;
}

function isPrefix(key: string): boolean {
  return layers.some((layer) => Object.keys(layer.current).some((combo) => combo.startsWith(`${key} `)));
}

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
  if (isTypingTarget(event.target)) {
    if (event.key === 'Escape' && event.target instanceof HTMLElement) event.target.blur();
    return;
  }
  const key = event.key;
  if (pendingPrefix !== null) {
    const combo = `${pendingPrefix} ${key}`;
    pendingPrefix = null;
    clearTimeout(prefixTimer);
    const handler = findHandler(combo);
    if (handler) {
      event.preventDefault();
      handler(event);
    }
    return;
  }
  const handler = findHandler(key);
  if (handler) {
    event.preventDefault();
    handler(event);
    return;
  }
  if (isPrefix(key)) {
    pendingPrefix = key;
    prefixTimer = setTimeout(() => (pendingPrefix = null), SEQUENCE_TIMEOUT_MS);
  }
}

/** Registers bindings while the component is mounted; the handlers may change every render. */
export function useHotkeys(bindings: HotkeyMap): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    if (!isInstalled) {
      window.addEventListener('keydown', onKeyDown);
      isInstalled = true;
    }
    const layer = ref;
    layers.push(layer);
    return () => {
      const index = layers.indexOf(layer);
      if (index >= 0) layers.splice(index, 1);
    };
  }, []);
}

/** Focuses the page's search field (bound to "/"). */
export function focusSearch(): void {
  const field = document.querySelector<HTMLInputElement>('[data-search]');
  field?.focus();
  field?.select();
}
