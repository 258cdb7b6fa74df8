// A signed body's Content-Encoding undone after its signature is checked: gzip, deflate or br, to at most a bounded size.
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { InputType, ZlibOptions } from 'node:zlib';
import { HttpError } from './errors.ts';

type Decoder = (buffer: InputType, options: ZlibOptions) => Promise<Buffer>;

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress) as Decoder,
};

/** The encodings `decodeBody` undoes. */
export const DECODED_ENCODINGS = Object.keys(DECODERS);

/**
 * The body's content: the bytes themselves without a Content-Encoding (or `identity`), else the bytes
 * decoded, refused with 413 past `maxBytes` (an inflation bomb stops there, never fills memory),
 * 415 for another or a stacked encoding, 400 for bytes the encoding cannot read.
 */
export async function decodeBody(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  const decoder = DECODERS[encoding];
  if (decoder === undefined) {
    throw new HttpError(415, 'unsupported_media_type', `Content-Encoding ${JSON.stringify(encoding)} is not read: send the body as is, or with gzip, deflate or br`, {
      problems: [{ code: 'invalid_value', path: ['content-encoding'], message: `must be one of identity, ${DECODED_ENCODINGS.join(', ')}` }],
    });
  }
  try {
    return await decoder(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw payloadTooLarge(maxBytes, `the body's ${encoding} content`);
    throw new HttpError(400, 'bad_request', `the body cannot be read as ${encoding}`, {
      problems: [{ code: 'invalid_format', path: [], message: `is not valid ${encoding} data` }],
    });
  }
}

/** 413 for a body, or what it decodes to, above the limit. */
export function payloadTooLarge(maxBytes: number, what = 'the body'): HttpError {
  return new HttpError(413, 'payload_too_large', `${what} exceeds ${maxBytes} bytes`, {
    problems: [{ code: 'too_big', path: [], message: `must be at most ${maxBytes} bytes` }],
  });
}
