import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy } from './content-security-policy';
import { decideNavigation, decidePermission, decideWindowOpen, isDashboardSender, isExternalWebUrl } from './navigation-policy';

const DASHBOARD = 'http://127.0.0.1:8687';

describe('window navigation guard', () => {
  it('lets the dashboard move around its own origin', () => {
    expect(decideNavigation('http://127.0.0.1:8687/#token=abc', DASHBOARD)).toBe('allow');
    expect(decideNavigation('http://127.0.0.1:8687/projects?x=1', DASHBOARD)).toBe('allow');
  });

  it('sends other web pages to the browser, including the same host on another port', () => {
    expect(decideNavigation('https://platform.openai.com/docs', DASHBOARD)).toBe('open-external');
    expect(decideNavigation('http://127.0.0.1:8686/v1/models', DASHBOARD)).toBe('open-external');
    expect(decideNavigation('http://localhost:8687/', DASHBOARD)).toBe('open-external');
    expect(decideNavigation('https://127.0.0.1:8687/', DASHBOARD)).toBe('open-external');
  });

  it('drops local files, scripts, custom schemes and junk', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'smb://host/share',
      'vscode://x', 'not a url', '', 'https://user:pass@example.com/']) {
      expect(decideNavigation(url, DASHBOARD), url).toBe('block');
    }
  });
});

describe('window.open handler', () => {
  it('never opens an Electron window: web links go to the browser, the rest nowhere', () => {
    expect(decideWindowOpen('https://github.com/')).toBe('open-external');
    expect(decideWindowOpen('http://127.0.0.1:8687/other')).toBe('open-external');
    expect(decideWindowOpen('file:///tmp/x.html')).toBe('block');
    expect(decideWindowOpen('about:blank')).toBe('block');
  });

  it('treats only credential-free http(s) as external web', () => {
    expect(isExternalWebUrl('https://example.com')).toBe(true);
    expect(isExternalWebUrl('https://a@example.com')).toBe(false);
    expect(isExternalWebUrl('ftp://example.com')).toBe(false);
  });
});

describe('content security policy', () => {
  it('connects to the admin origin only and runs only same-origin scripts', () => {
    const directives = new Map(buildContentSecurityPolicy(DASHBOARD).split('; ').map((d) => {
      const [name, ...values] = d.split(' ');
      return [name, values.join(' ')] as const;
    }));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('connect-src')).toBe(DASHBOARD);
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
  });
});

describe('permissions', () => {
  it('lets only the dashboard write to the clipboard, and nothing else', () => {
    expect(decidePermission('clipboard-sanitized-write', `${DASHBOARD}/projects`, DASHBOARD)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/', DASHBOARD)).toBe(false);
    for (const permission of ['clipboard-read', 'notifications', 'media', 'geolocation', 'openExternal', 'fullscreen']) {
      expect(decidePermission(permission, DASHBOARD, DASHBOARD), permission).toBe(false);
    }
  });
});

describe('IPC sender check', () => {
  const dashboardFrame = { frameUrl: `${DASHBOARD}/#token=x`, isMainFrame: true, isOwnWindow: true };
  it('answers the dashboard\'s main frame in our own window', () => {
    expect(isDashboardSender(dashboardFrame, DASHBOARD)).toBe(true);
  });
  it('ignores subframes, foreign windows, other origins and frames without a URL', () => {
    expect(isDashboardSender({ ...dashboardFrame, isMainFrame: false }, DASHBOARD)).toBe(false);
    expect(isDashboardSender({ ...dashboardFrame, isOwnWindow: false }, DASHBOARD)).toBe(false);
    expect(isDashboardSender({ ...dashboardFrame, frameUrl: 'https://evil.example/' }, DASHBOARD)).toBe(false);
    expect(isDashboardSender({ ...dashboardFrame, frameUrl: undefined }, DASHBOARD)).toBe(false);
  });
});
