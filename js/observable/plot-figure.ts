/**
 * A notebook's plot as the PNG `Blob` a verdict's figure takes (issue 16, docs/figures.md):
 * `signOff(client, { ..., image: await noteFigure(await figureFromSvg(plot)) })`. The bytes stay
 * in the page: they go to Alyx only as the figure note's multipart upload.
 */

/** A canvas (or an OffscreenCanvas) as PNG bytes. */
export async function figureFromCanvas(canvas: HTMLCanvasElement | OffscreenCanvas): Promise<Blob> {
  if (typeof OffscreenCanvas !== 'undefined' && canvas instanceof OffscreenCanvas) return canvas.convertToBlob({ type: 'image/png' });
  if (!(canvas instanceof HTMLCanvasElement)) throw new TypeError(`figureFromCanvas takes a <canvas>, not ${describe(canvas)}; for an SVG plot use figureFromSvg.`);
  if (canvas.width === 0 || canvas.height === 0) throw new TypeError('figureFromCanvas: the canvas is 0 pixels wide or high; draw the plot first.');
  return new Promise((resolve, reject) => {
    try {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new TypeError('figureFromCanvas: the browser could not encode the canvas as PNG.'))), 'image/png');
    } catch (error) {
      // A canvas that drew an image of another origin is "tainted": the browser refuses its pixels.
      reject(new TypeError(`figureFromCanvas: the browser refused the canvas's pixels (${error instanceof Error ? error.name : 'error'}); draw only images of this page's origin.`));
    }
  });
}

/**
 * An SVG plot (Observable Plot's `Plot.plot()`, d3) rendered to PNG at its shown size times
 * `scale` (default: the screen's pixel ratio, at least 2, so text stays sharp). Styles the plot
 * inherits from the page are not in the SVG: give them as attributes or inside the SVG.
 */
export async function figureFromSvg(svg: SVGSVGElement | Element, options: { scale?: number; background?: string } = {}): Promise<Blob> {
  const root = svg instanceof SVGSVGElement ? svg : svg.querySelector('svg');
  if (!(root instanceof SVGSVGElement)) throw new TypeError(`figureFromSvg takes an <svg> (or an element holding one), not ${describe(svg)}.`);
  const { width, height } = svgSize(root);
  if (!(width > 0 && height > 0)) throw new TypeError('figureFromSvg: the SVG has no size (no width and height, no viewBox, not shown); give it width and height.');
  const scale = options.scale ?? Math.max(2, globalThis.devicePixelRatio || 1);
  if (!(scale > 0 && scale <= 8)) throw new TypeError(`figureFromSvg: "scale" must be a number above 0 and at most 8, not ${String(options.scale)}.`);
  const copy = root.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode().catch(() => {
      throw new TypeError('figureFromSvg: the browser could not draw the SVG as an image (an external resource or invalid markup).');
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new TypeError('figureFromSvg: this browser has no 2D canvas to render the SVG with.');
    // A white ground by default: a transparent PNG shows black in some viewers.
    context.fillStyle = options.background ?? 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await figureFromCanvas(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const shown = svg.getBoundingClientRect();
  if (shown.width > 0 && shown.height > 0) return { width: shown.width, height: shown.height };
  const box = svg.viewBox.baseVal;
  const width = Number.parseFloat(svg.getAttribute('width') ?? '') || box?.width || 0;
  const height = Number.parseFloat(svg.getAttribute('height') ?? '') || box?.height || 0;
  return { width, height };
}

function describe(value: unknown): string {
  return value instanceof Element ? `<${value.localName}>` : value === null ? 'null' : typeof value;
}
