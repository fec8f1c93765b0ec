/** Which bytes are a figure: PNG and JPEG by their first bytes, at most 10 MiB, refused with a clear message otherwise. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { InputError } from './errors.ts';
import { MAX_IMAGE_BYTES, noteImage, noteImageFormData } from './note-image.ts';
import { SAMPLE_JPEG, samplePng } from './note-image-samples.ts';

const refused = (pattern: RegExp) => (error: unknown): boolean => {
  assert.ok(error instanceof InputError, String(error));
  assert.match(error.message, pattern);
  return true;
};

describe('noteImage', () => {
  test('a PNG and a JPEG are recognised by their bytes, with size and SHA-256', async () => {
    const png = samplePng();
    const image = await noteImage(png);
    assert.equal(image.contentType, 'image/png');
    assert.equal(image.size, png.length);
    assert.equal(image.sha256, createHash('sha256').update(png).digest('hex'));
    assert.equal((await noteImage(SAMPLE_JPEG.buffer.slice(SAMPLE_JPEG.byteOffset, SAMPLE_JPEG.byteOffset + SAMPLE_JPEG.length))).contentType, 'image/jpeg');
    assert.equal((await noteImage(new Blob([SAMPLE_JPEG]), 'image/jpg')).contentType, 'image/jpeg');
  });

  test('text, a PDF, a GIF and empty bytes are not images, whatever they are called', async () => {
    await assert.rejects(noteImage(new TextEncoder().encode('not a png'), 'image/png'), refused(/not a PNG or JPEG image \(bytes starting with 6e 6f 74 20\): save the plot as PNG/));
    await assert.rejects(noteImage(new TextEncoder().encode('%PDF-1.7')), refused(/\(a PDF\)/));
    await assert.rejects(noteImage(new TextEncoder().encode('GIF89a')), refused(/\(a GIF\)/));
    await assert.rejects(noteImage(new Uint8Array()), refused(/\(empty\)/));
    await assert.rejects(noteImage('figure.png' as unknown as Uint8Array), refused(/must be PNG or JPEG bytes/));
  });

  test('a declared type that the bytes contradict is refused', async () => {
    await assert.rejects(noteImage(SAMPLE_JPEG, 'image/png'), refused(/declared as "image\/png" but its bytes are a JPEG: pass the content type "image\/jpeg"/));
  });

  test('over 10 MiB is refused, a Blob before it is read', async () => {
    const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
    big.set(samplePng());
    await assert.rejects(noteImage(big), refused(/is 10\.0 MB, over the limit of 10\.0 MB: save it smaller/));
    await assert.rejects(noteImage(new Blob([big])), refused(/over the limit/));
    const exact = new Uint8Array(MAX_IMAGE_BYTES);
    exact.set(samplePng());
    assert.equal((await noteImage(exact)).size, MAX_IMAGE_BYTES);
  });

  test('the multipart body holds the fields, width=orig and the file with its type', async () => {
    const form = noteImageFormData({ user: 'test_user', text: 'x' }, await noteImage(SAMPLE_JPEG));
    assert.deepEqual([...form.keys()], ['user', 'text', 'width', 'image']);
    assert.equal(form.get('width'), 'orig');
    const file = form.get('image') as File;
    assert.equal(file.type, 'image/jpeg');
    assert.equal(file.name, 'figure.jpg');
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), SAMPLE_JPEG);
  });
});
