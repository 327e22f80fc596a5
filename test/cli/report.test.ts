/**
 * The HTML report renderer: self-contained (no scripts, no external references), text escaped, SVG figures
 * inlined without their XML prolog, stage status badges with timings, errors shown, provenance as JSON.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtmlReport, type ReportDocument } from '../../cli/report/html-report.js';
import { renderSvg } from '../../cli/plot.js';

function makeDocument(svg: string): ReportDocument {
  return {
    title: 'T <&> "q"',
    subtitle: 'sub',
    summary: { caption: 'Key results', header: ['quantity', 'value', 'unit'], rows: [['D*', '1e-6 ± 1e-7', 'cm²/s'], ['missing', null, '']] },
    sections: [
      { id: 'a', title: 'Stage A', status: 'ok', time_s: 1.234, paragraphs: ['x < y & z'], tables: [{ caption: 'tab', header: ['h'], rows: [[1]] }], figures: [{ caption: 'fig <1>', svg }] },
      { id: 'b', title: 'Stage B', status: 'failed', time_s: 0.5, error: 'file.csv:2: expected a number, found "zero"' },
      { id: 'c', title: 'Stage C', status: 'skipped', paragraphs: ['Skipped: not run: stage b failed.'] },
    ],
    provenance: { versions: { node: 'v20', vega: '6' }, seeds: { seed: 7 }, note: '</pre><script>' },
    generatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('renderHtmlReport', () => {
  it('inlines figures, escapes text, shows status, timings, errors and provenance; no scripts or external links', async () => {
    const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
    const html = renderHtmlReport(makeDocument(svg));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>T &lt;&amp;&gt; &quot;q&quot;</title>');
    expect(html).toContain('<figure><svg');
    expect(html).not.toContain('<?xml');
    expect(html).toContain('<figcaption>fig &lt;1&gt;</figcaption>');
    expect(html).toContain('<p>x &lt; y &amp; z</p>');
    expect(html).toContain('<span class="badge ok">ok · 1.2 s</span>');
    expect(html).toContain('<span class="badge failed">failed · 0.5 s</span>');
    expect(html).toContain('<p class="error">file.csv:2: expected a number, found &quot;zero&quot;</p>');
    expect(html).toContain('<span class="badge skipped">skipped</span>');
    expect(html).toContain('<td>n/a</td>');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const id of ['a', 'b', 'c', 'provenance']) expect(html).toContain(`href="#${id}"`);
  });

  it('escapeHtml escapes the five special characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> µ²`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; µ²');
  });
});
