/*
 * What `npm start` prints must hold no callback token, as the deployed service's logs hold none:
 * the token is the only thing that proves a callback is Paypro's, and serverless-offline prints
 * each request's path — `POST /dev/callbacks/paypro/<tradeNo>/<token>` for every callback.
 */

/** What a token is printed as. */
export const MASKED_TOKEN = '****';

// The path segment after a callback's tradeNo, unless it is the route's own template `{token}`
// (in the route list serverless-offline prints at start). Anything up to a separator, so that a
// forged or URL-encoded token is masked too.
const CALLBACK_PATH = /(\/callbacks\/paypro\/[^/\s"'?#]*\/)(?!\{token\}(?=[\s"'?#)]|$))[^/\s"'?#)]+/g;
// A `token` field, as a debugging log of the Lambda event (pathParameters) would print it.
const TOKEN_FIELD = /(["']?\btoken["']?\s*[:=]\s*["'])[^"'\s]+(["'])/g;

/** `text` with every callback token in it replaced by MASKED_TOKEN. */
export function maskCallbackTokens(text: string): string {
  return text.replace(CALLBACK_PATH, `$1${MASKED_TOKEN}`).replace(TOKEN_FIELD, `$1${MASKED_TOKEN}$2`);
}

/**
 * Passes every write to `stream` through maskCallbackTokens: the launcher's own lines, the child
 * lines it relays (`[api] …`) and anything the in-process stand-ins print, whoever writes them.
 */
export function maskCallbackTokensIn(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') return write(maskCallbackTokens(chunk), ...rest);
    if (chunk instanceof Uint8Array) {
      // A buffer's encoding argument, if any, is ignored by the stream: the text is utf8.
      return write(maskCallbackTokens(Buffer.from(chunk).toString('utf8')), ...rest);
    }
    return write(chunk, ...rest);
  }) as NodeJS.WriteStream['write'];
}
