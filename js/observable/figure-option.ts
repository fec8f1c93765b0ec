/**
 * The `image` option of the inputs (issue 16): the plot the reviewer judged, as PNG or JPEG bytes
 * (`figureFromSvg`, `figureFromCanvas`, a fetched file), attached to the verdict as a note of its
 * own (docs/figures.md). Its type is checked at once; its bytes when the input loads, before the
 * panel is shown, so a bad figure is the input's error and nothing is written.
 */
import { formatBytes, type FigureAttachment } from '../core/figure-note.ts';
import { noteFigure } from '../core/note-image.ts';
import { optionError, type MaybePromise } from './options.ts';

export type FigureInput = Blob | Uint8Array | ArrayBuffer;

/** A panel's figure: the thumbnail's URL and caption, and what the workflow takes as `image`. */
export interface LoadedFigure {
  readonly thumbnail: { readonly src: string; readonly caption: string };
  readonly attachment: FigureAttachment;
}

export function figureOption(factory: string, value: unknown): MaybePromise<FigureInput> | undefined {
  if (value === undefined || value === null) return undefined;
  const isPromise = typeof (value as PromiseLike<unknown>).then === 'function';
  if (isPromise || value instanceof Blob || value instanceof Uint8Array || value instanceof ArrayBuffer) return value as MaybePromise<FigureInput>;
  throw optionError(factory, `the "image" option takes the plot as a PNG or JPEG Blob (figureFromSvg(svg), figureFromCanvas(canvas)) or its bytes, not ${typeof value === 'object' ? 'an object' : typeof value}.`);
}

/** The figure's bytes checked (PNG or JPEG, at most 10 MiB), and a URL the thumbnail shows. */
export async function loadFigure(image: MaybePromise<FigureInput>): Promise<LoadedFigure> {
  const bytes = await image;
  const attachment = await noteFigure(bytes);
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes instanceof Uint8Array ? bytes.slice() : bytes], { type: attachment.contentType });
  const caption = `${attachment.contentType === 'image/png' ? 'PNG' : 'JPEG'}, ${formatBytes(attachment.size)}`;
  return { thumbnail: { src: URL.createObjectURL(blob), caption }, attachment };
}
