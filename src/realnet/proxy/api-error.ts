/**
 * @module realnet/proxy/api-error
 * Errors of the embedded proxy's admin API, shaped as Toxiproxy's: `{error, status}` with the
 * same messages for the same mistakes, so client code that reads them works against either.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  toJson(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

export const API_ERRORS = {
  badBody: (detail: string) => new ApiError(`bad request body: ${detail}`, 400),
  missingField: (field: string) => new ApiError(`missing required field: ${field}`, 400),
  proxyNotFound: () => new ApiError('proxy not found', 404),
  proxyExists: () => new ApiError('proxy already exists', 409),
  invalidStream: () => new ApiError('stream was invalid, can be either upstream or downstream', 400),
  invalidToxicType: () => new ApiError('invalid toxic type', 400),
  toxicExists: () => new ApiError('toxic already exists', 409),
  toxicNotFound: () => new ApiError('toxic not found', 404),
  notImplemented: (what: string) =>
    new ApiError(`not implemented by the syncstorm embedded proxy: ${what} (use Toxiproxy itself for this)`, 501),
};
