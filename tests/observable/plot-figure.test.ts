/**
 * figureFromSvg and figureFromCanvas in Chromium, from the built bundle as a notebook imports it:
 * a plot becomes PNG bytes that the core takes as a verdict's figure (noteFigure), at the size
 * asked; what is no plot is a clear TypeError.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startNotebookServer, type NotebookServer } from '../../examples/observable/server.ts';
import { ensureBuilt } from './support/build.ts';
import { launchChromium } from './support/chromium.ts';

let server: NotebookServer;
let browser: Browser;
let page: Page;

before(async () => {
  ensureBuilt();
  [server, browser] = await Promise.all([startNotebookServer(), launchChromium()]);
  page = await browser.newPage();
  await page.goto(server.notebookUrl);
  await page.evaluate(`(async () => { window.alyxqc = await import('/dist/observable/index.js'); })()`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

interface Rendered { type: string; size: number; magic: string; width: number; height: number; accepted: string; red: number }

test('an SVG plot and a canvas become PNG figures the core accepts, at the size asked', async () => {
  const rendered = (await page.evaluate(`(async () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', '120');
    svg.setAttribute('height', '80');
    svg.innerHTML = '<rect x="0" y="0" width="120" height="80" fill="rgb(255,0,0)"/><text x="10" y="40">trials</text>';
    document.body.append(svg);
    const canvas = document.createElement('canvas');
    canvas.width = 50;
    canvas.height = 30;
    canvas.getContext('2d').fillRect(0, 0, 50, 30);
    const out = [];
    for (const blob of [await alyxqc.figureFromSvg(svg, { scale: 2 }), await alyxqc.figureFromCanvas(canvas)]) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const bitmap = await createImageBitmap(blob);
      const probe = new OffscreenCanvas(1, 1).getContext('2d');
      probe.drawImage(bitmap, -5, -5);
      const figure = await alyxqc.noteFigure(blob);
      out.push({ type: blob.type, size: blob.size, magic: Array.from(bytes.slice(0, 8), (b) => b.toString(16)).join(' '),
        width: bitmap.width, height: bitmap.height, accepted: typeof figure.plan, red: probe.getImageData(0, 0, 1, 1).data[0] });
    }
    return out;
  })()`)) as Rendered[];
  const [svg, canvas] = rendered;
  assert.deepEqual({ ...svg, size: 0 }, { type: 'image/png', size: 0, magic: '89 50 4e 47 d a 1a a', width: 240, height: 160, accepted: 'function', red: 255 });
  assert.deepEqual({ ...canvas, size: 0 }, { type: 'image/png', size: 0, magic: '89 50 4e 47 d a 1a a', width: 50, height: 30, accepted: 'function', red: 0 });
});

test('what is no plot is a TypeError saying what to pass', async () => {
  const errors = await page.evaluate(`(async () => {
    const messages = [];
    const empty = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const blank = Object.assign(document.createElement('canvas'), { width: 0 });
    for (const call of [() => alyxqc.figureFromSvg(document.createElement('div')), () => alyxqc.figureFromSvg(empty),
      () => alyxqc.figureFromCanvas(document.createElement('div')), () => alyxqc.figureFromCanvas(blank)]) {
      try { await call(); messages.push('no error'); } catch (error) { messages.push(error.name + ': ' + error.message); }
    }
    return messages;
  })()`) as string[];
  assert.match(errors[0] ?? '', /^TypeError: figureFromSvg takes an <svg> \(or an element holding one\), not <div>/);
  assert.match(errors[1] ?? '', /^TypeError: figureFromSvg: the SVG has no size .*give it width and height/);
  assert.match(errors[2] ?? '', /^TypeError: figureFromCanvas takes a <canvas>, not <div>; for an SVG plot use figureFromSvg/);
  assert.match(errors[3] ?? '', /^TypeError: figureFromCanvas: the canvas is 0 pixels wide or high; draw the plot first/);
});
