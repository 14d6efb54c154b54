import { describe, expect, it } from 'vitest';
import { createQuitSequence, type QuitSequenceOptions } from './quit-sequence';

function harness(stopGateway: () => Promise<void>) {
  const calls: string[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const options: QuitSequenceOptions = {
    stopGateway: () => { calls.push('stop'); return stopGateway(); },
    beforeStop: () => calls.push('beforeStop'),
    quit: () => calls.push('quit'),
    exit: (code) => calls.push(`exit ${code}`),
    deadlineMs: 15_000,
    setTimer: (fn, ms) => { timers.push({ fn, ms }); return {}; },
    log: (message) => calls.push(`log ${message}`),
  };
  const quitEvent = () => {
    let prevented = false;
    return { preventDefault: () => { prevented = true; }, get prevented() { return prevented; } };
  };
  return { sequence: createQuitSequence(options), calls, timers, quitEvent };
}

describe('quitting', () => {
  it('holds the quit until the gateway has stopped, stops it once, then quits for real', async () => {
    let release!: () => void;
    const { sequence, calls, quitEvent } = harness(() => new Promise<void>((r) => { release = r; }));
    const first = quitEvent();
    sequence.onBeforeQuit(first);
    expect(first.prevented).toBe(true);
    const again = quitEvent();
    sequence.onBeforeQuit(again);
    expect(again.prevented).toBe(true);
    expect(calls).toEqual(['beforeStop', 'stop']);

    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual(['beforeStop', 'stop', 'quit']);
    const last = quitEvent();
    sequence.onBeforeQuit(last);
    expect(last.prevented).toBe(false);
    expect(sequence.state).toBe('stopped');
  });

  it('still quits when stopping fails, and says so', async () => {
    const { sequence, calls, quitEvent } = harness(() => Promise.reject(new Error('disk gone')));
    sequence.onBeforeQuit(quitEvent());
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['beforeStop', 'stop', 'log the gateway did not stop cleanly', 'quit']);
  });

  it('exits hard when the gateway hangs past the deadline', () => {
    const { sequence, calls, timers, quitEvent } = harness(() => new Promise<void>(() => undefined));
    sequence.onBeforeQuit(quitEvent());
    expect(timers.map((t) => t.ms)).toEqual([15_000]);
    timers[0]!.fn();
    expect(calls.slice(-2)).toEqual(['log the gateway did not stop within 15000 ms; exiting anyway', 'exit 1']);
    expect(sequence.state).toBe('stopped');
  });

  it('does not exit hard after a clean stop', async () => {
    const { sequence, calls, timers, quitEvent } = harness(() => Promise.resolve());
    sequence.onBeforeQuit(quitEvent());
    await new Promise((r) => setImmediate(r));
    timers[0]!.fn();
    expect(calls).toEqual(['beforeStop', 'stop', 'quit']);
  });
});
