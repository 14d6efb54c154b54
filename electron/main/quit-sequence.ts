export interface QuitSequenceOptions {
  /** drains in-flight requests, flushes and closes the database */
  stopGateway: () => Promise<void>;
  /** tray, subscriptions, timers: things that must go before the gateway does */
  beforeStop: () => void;
  /** app.quit(): runs before-quit again, which this time lets the app go */
  quit: () => void;
  /** app.exit(code): the hard stop once the deadline passes */
  exit: (code: number) => void;
  /** longer than the gateway's own drain timeout, so a normal drain always finishes first */
  deadlineMs: number;
  setTimer: (fn: () => void, ms: number) => { unref?(): unknown };
  log: (message: string, error?: unknown) => void;
}

/**
 * Quitting Tollgate: hold the quit, stop the gateway once (drain, flush, close), then quit for real.
 * A gateway that never finishes stopping cannot keep the app alive past the deadline.
 */
export function createQuitSequence(options: QuitSequenceOptions) {
  let state: 'running' | 'stopping' | 'stopped' = 'running';

  const finish = () => {
    if (state === 'stopped') return;
    state = 'stopped';
    options.quit();
  };

  return {
    /** the app's before-quit handler */
    onBeforeQuit(event: { preventDefault(): void }): void {
      if (state === 'stopped') return;
      event.preventDefault();
      if (state === 'stopping') return;
      state = 'stopping';
      try {
        options.beforeStop();
      } catch (error) {
        options.log('cleanup before stopping failed', error);
      }
      options.setTimer(() => {
        if (state === 'stopped') return;
        options.log(`the gateway did not stop within ${options.deadlineMs} ms; exiting anyway`);
        state = 'stopped';
        options.exit(1);
      }, options.deadlineMs).unref?.();
      options.stopGateway().then(finish, (error: unknown) => {
        options.log('the gateway did not stop cleanly', error);
        finish();
      });
    },
    get state() {
      return state;
    },
  };
}
