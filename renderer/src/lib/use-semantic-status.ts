import { useEffect, useState } from 'react';
import type { SemanticStatus } from '../../../shared/api/dto';
import { getAdminClient } from './admin-client';
import { describeError } from './describe-error';

/** GET /admin/v1/semantic, loaded on mount and again every `refreshMs` (0: once) */
export function useSemanticStatus(refreshMs = 0): { status: SemanticStatus | null; error: string | null } {
  const [status, setStatus] = useState<SemanticStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const load = () => getAdminClient().getSemanticStatus(controller.signal).then(
      (s) => { setStatus(s); setError(null); },
      (e: unknown) => { if (!controller.signal.aborted) setError(describeError(e)); },
    );
    void load();
    const timer = refreshMs > 0 ? setInterval(() => void load(), refreshMs) : null;
    return () => { if (timer) clearInterval(timer); controller.abort(); };
  }, [refreshMs]);
  return { status, error };
}
