/** The one error shape every non-2xx answer uses, on the proxy and the admin API alike. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'upstream_error'
  | 'server_error';

export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_api_key'
  | 'invalid_admin_token'
  | 'host_not_allowed'
  | 'origin_not_allowed'
  | 'unknown_route'
  | 'method_not_allowed'
  | 'not_found'
  | 'request_too_large'
  | 'request_timeout'
  | 'model_not_found'
  | 'rate_limit_exceeded'
  | 'budget_exceeded'
  | 'velocity_exceeded'
  | 'cache_miss'
  | 'upstream_loop'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'upstream_unavailable'
  | 'internal_error';

export interface ErrorBody {
  error: {
    message: string;
    type: ErrorType | string;
    param: string | null;
    code: ErrorCode | string | null;
  };
}
