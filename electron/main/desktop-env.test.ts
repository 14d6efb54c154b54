import { describe, expect, it } from 'vitest';
import { readDesktopEnv } from './desktop-env';

describe('desktop environment', () => {
  it('leaves everything to the defaults when unset', () => {
    expect(readDesktopEnv({})).toEqual({ userDataDir: undefined, proxyPort: undefined, adminPort: undefined });
  });

  it('reads a profile folder and ports, 0 included', () => {
    expect(readDesktopEnv({ TOLLGATE_USER_DATA_DIR: '/tmp/p', TOLLGATE_PROXY_PORT: '0', TOLLGATE_ADMIN_PORT: '9687' }))
      .toEqual({ userDataDir: '/tmp/p', proxyPort: 0, adminPort: 9687 });
  });

  it('rejects a port that is not one, naming the variable', () => {
    expect(() => readDesktopEnv({ TOLLGATE_PROXY_PORT: '86x' })).toThrow('TOLLGATE_PROXY_PORT must be a port number');
    expect(() => readDesktopEnv({ TOLLGATE_ADMIN_PORT: '70000' })).toThrow('TOLLGATE_ADMIN_PORT');
  });
});
