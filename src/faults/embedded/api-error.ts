/**
 * An error the API answers with `{"error": message, "status": status}`. The messages and codes
 * are the real server's (`api.go`), since other clients than toxiproxy-node-client may read them.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

export const apiErrors = {
  proxyNotFound: () => new ApiError(404, 'proxy not found'),
  proxyExists: () => new ApiError(409, 'proxy already exists'),
  invalidStream: () => new ApiError(400, 'stream was invalid, can be either upstream or downstream'),
  invalidToxicType: () => new ApiError(400, 'invalid toxic type'),
  toxicExists: () => new ApiError(409, 'toxic already exists'),
  toxicNotFound: () => new ApiError(404, 'toxic not found'),
  badRequestBody: (detail: string) => new ApiError(400, `bad request body: ${detail}`),
  missingField: (field: string, suffix = '') =>
    new ApiError(400, `missing required field: ${field}${suffix}`),
  /** Anything else (a port already taken, an address that does not parse) is a 500, as in Go. */
  internal: (message: string) => new ApiError(500, message),
}
