/**
 * The one place liflux draws plots: Vega-Lite specs compiled with vega-lite and rendered to SVG by vega,
 * headless in Node (no canvas, no network). Commands build a spec and call `renderSvg`.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

export type PlotSpec = TopLevelSpec;

const DEFAULT_CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 13 },
};

/** Compile a Vega-Lite spec and render it to a standalone SVG string. */
export async function renderSvg(spec: PlotSpec): Promise<string> {
  const full = { config: DEFAULT_CONFIG, ...spec } as TopLevelSpec;
  const compiled = vl.compile(full).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
