import type { ErrorBody, ErrorCode, ErrorType } from '../../shared/openai/error';

/** Anything the gateway refuses or fails at; the edge turns it into one OpenAI-shaped body. */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    type: ErrorType,
    code: ErrorCode,
    message: string,
    extra: { param?: string | null; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = extra.param ?? null;
    this.headers = extra.headers ?? {};
  }
}

export function toOpenAIErrorBody(err: GatewayError): ErrorBody {
  return { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
}

/** Unknown failures become a generic 500; details stay in the log under the trace id. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError(500, 'server_error', 'internal_error',
    'Tollgate hit an internal error handling this request. It was logged with the trace id in x-tollgate-trace-id.',
    { cause: err });
}

export const badRequest = (message: string, param: string | null = null, code: ErrorCode = 'invalid_request') =>
  new GatewayError(400, 'invalid_request_error', code, message, { param });
