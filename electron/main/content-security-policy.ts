/**
 * The CSP main puts on every response from the dashboard's origin. The page's own <meta> CSP stays; a
 * header applies on top (both must allow a load), so this can only tighten it. connect-src is the admin
 * origin alone: the renderer talks to nothing but the gateway's admin API.
 */
export function buildContentSecurityPolicy(adminOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React and uPlot set style attributes; inline <style> from a library must not break the window
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${adminOrigin}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
  ].join('; ');
}
