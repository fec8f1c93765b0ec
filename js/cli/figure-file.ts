/** `--figure <path>` (issue 16): the file read and checked as a figure before any request. */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../core/errors.ts';
import { formatBytes, type FigureAttachment } from '../core/figure-note.ts';
import { MAX_IMAGE_BYTES, noteFigure } from '../core/note-image.ts';

/** The figure at `path`, or an InputError saying what is wrong with it (nothing is sent). */
export async function readFigureFile(path: string): Promise<FigureAttachment> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`--figure ${path} is a folder: give the path of a .png or .jpg file.`);
    // Refused before reading: a huge file is not loaded only to be turned down.
    if (info.size > MAX_IMAGE_BYTES) throw new InputError(`--figure ${path} is ${formatBytes(info.size)}, over the limit of ${formatBytes(MAX_IMAGE_BYTES)}: save it smaller (a lower dpi, or JPEG).`);
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${(error as Error).message})`;
    throw new InputError(`--figure ${path} ${why}: give the path of a PNG or JPEG file.`);
  }
  try {
    return await noteFigure(bytes);
  } catch (error) {
    throw new InputError(`--figure ${path}: ${(error as Error).message}`);
  }
}
