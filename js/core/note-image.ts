/**
 * A figure as Alyx takes it on a note: PNG or JPEG bytes, recognised by their first bytes (a file
 * name or a declared type proves nothing), at most {@link MAX_IMAGE_BYTES}, with their SHA-256.
 * Everything is checked before any request, so bad input writes nothing.
 */
import { InputError } from './errors.ts';
import { figureAttachment, formatBytes, type FigureAttachment } from './figure-note.ts';

/** The largest image alyx-qc uploads: 10 MiB, before any resizing (Alyx stores it as sent, with `width=orig`). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export type ImageContentType = 'image/png' | 'image/jpeg';

/** A validated figure. `bytes` is absent when another part holds them (the kernel, for the widget). */
export interface NoteImage {
  readonly contentType: ImageContentType;
  /** Size in bytes. */
  readonly size: number;
  /** SHA-256 of the bytes, 64 lower-case hex digits: what the figure note's text names. */
  readonly sha256: string;
  readonly bytes?: Uint8Array;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/** `image/png` or `image/jpeg` from the first bytes; `null` for anything else. */
export function imageTypeOf(bytes: Uint8Array): ImageContentType | null {
  const startsWith = (magic: readonly number[]): boolean => magic.every((byte, index) => bytes[index] === byte);
  return startsWith(PNG) ? 'image/png' : startsWith(JPEG) ? 'image/jpeg' : null;
}

/** What the first bytes look like, for an error message ("a PDF", "text starting with …"). */
function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (head.startsWith('GIF8')) return 'a GIF';
  if (head.startsWith('%PDF')) return 'a PDF';
  if (head.startsWith('<svg') || head.startsWith('<?xml')) return 'SVG or XML text';
  if (head.startsWith('RIFF')) return 'a RIFF file (WebP?)';
  return `bytes starting with ${[...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')}`;
}

/** SHA-256 as lower-case hex, with the platform's Web Crypto (Node 20+, browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Validates a figure and returns it with its type, size and SHA-256. `contentType`, when given,
 * must agree with the bytes (a JPEG declared as PNG is a mistake worth saying).
 */
export async function noteImage(input: Uint8Array | ArrayBuffer | Blob, contentType?: string): Promise<NoteImage> {
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else if (typeof Blob !== 'undefined' && input instanceof Blob) {
    // Checked before reading: a huge Blob is refused without loading it.
    if (input.size > MAX_IMAGE_BYTES) throw tooLarge(input.size);
    bytes = new Uint8Array(await input.arrayBuffer());
  } else {
    throw new InputError('The figure must be PNG or JPEG bytes (a Uint8Array, ArrayBuffer or Blob); save the plot as PNG and pass its bytes.');
  }
  if (bytes.length > MAX_IMAGE_BYTES) throw tooLarge(bytes.length);
  const type = imageTypeOf(bytes);
  if (type === null) {
    throw new InputError(`The figure is not a PNG or JPEG image (${describeBytes(bytes)}): save the plot as PNG (e.g. matplotlib's savefig("figure.png")) and pass that.`);
  }
  if (contentType !== undefined && contentType.toLowerCase() !== type && !(type === 'image/jpeg' && contentType.toLowerCase() === 'image/jpg')) {
    throw new InputError(`The figure was declared as "${contentType}" but its bytes are ${type === 'image/png' ? 'a PNG' : 'a JPEG'}: pass the content type "${type}", or leave it out.`);
  }
  return { contentType: type, size: bytes.length, sha256: await sha256Hex(bytes), bytes };
}

function tooLarge(size: number): InputError {
  return new InputError(`The figure is ${formatBytes(size)}, over the limit of ${formatBytes(MAX_IMAGE_BYTES)}: save it smaller (a lower dpi, or JPEG) and try again.`);
}

/**
 * The multipart body of a note with an image: the note's fields, `width=orig` (without it Alyx
 * re-encodes the image at 800 px, JPEG quality 70), and the file with its content type.
 */
export function noteImageFormData(fields: Readonly<Record<string, string>>, image: NoteImage): FormData {
  if (!image.bytes) throw new InputError('The figure\'s bytes are not here to send: pass the image bytes (a Uint8Array, ArrayBuffer or Blob).');
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('width', 'orig');
  form.append('image', new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.contentType }), image.contentType === 'image/png' ? 'figure.png' : 'figure.jpg');
  return form;
}

/**
 * Validates PNG or JPEG bytes (a `Blob` from a canvas, a file's bytes) and returns them as the
 * workflows' `image`: `signOff(client, { ..., image: await noteFigure(blob) })`.
 */
export async function noteFigure(input: Uint8Array | ArrayBuffer | Blob, contentType?: string): Promise<FigureAttachment> {
  const image = await noteImage(input, contentType);
  return figureAttachment(image, (fields) => noteImageFormData(fields, image));
}
