/**
 * A self-contained HTML report: inline SVG figures (rendered by cli/plot.ts), tables, the inputs, parameters,
 * software versions, seeds and timings — no scripts, no network, one file a colleague can open anywhere.
 */

export interface ReportTable {
  caption: string;
  header: string[];
  rows: (string | number | null)[][];
}

export interface ReportFigure {
  caption: string;
  /** Standalone SVG markup. */
  svg: string;
}

export interface ReportSection {
  id: string;
  title: string;
  /** Short paragraphs of plain text (escaped). */
  paragraphs?: string[];
  tables?: ReportTable[];
  figures?: ReportFigure[];
  /** Status of the stage that produced it. */
  status: 'ok' | 'failed' | 'skipped';
  /** Wall time of the stage, s. */
  time_s?: number;
  /** Error message when the stage failed. */
  error?: string;
}

export interface ReportDocument {
  title: string;
  subtitle?: string;
  summary: ReportTable;
  sections: ReportSection[];
  /** Inputs, parameters, versions, seeds: shown verbatim as JSON at the end. */
  provenance: Record<string, unknown>;
  generatedAt: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function renderTable(t: ReportTable): string {
  const head = t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c === null ? 'n/a' : String(c))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><caption>${escapeHtml(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Strip the XML prolog so an SVG can be inlined in HTML. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

function renderSection(s: ReportSection): string {
  const badge = `<span class="badge ${s.status}">${s.status}${s.time_s !== undefined ? ` · ${s.time_s.toFixed(1)} s` : ''}</span>`;
  const parts = [`<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)} ${badge}</h2>`];
  if (s.error) parts.push(`<p class="error">${escapeHtml(s.error)}</p>`);
  for (const p of s.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
  for (const t of s.tables ?? []) parts.push(renderTable(t));
  for (const f of s.figures ?? []) {
    parts.push(`<figure>${inlineSvg(f.svg)}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2em; } .subtitle { color: #555; margin-top: 0; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
figure { margin: 1em 0; display: inline-block; vertical-align: top; } figcaption { font-size: 0.85em; color: #444; max-width: 600px; }
.badge { font-size: 0.6em; padding: 0.15em 0.5em; border-radius: 0.5em; vertical-align: middle; }
.badge.ok { background: #d4f4dd; } .badge.failed { background: #f8d0d0; } .badge.skipped { background: #eee; }
.error { color: #a00; } pre { background: #f7f7f7; padding: 1em; overflow-x: auto; font-size: 0.8em; }
`;

/** Render the whole report to one HTML string. */
export function renderHtmlReport(doc: ReportDocument): string {
  const nav = doc.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(doc.title)}</h1>
${doc.subtitle ? `<p class="subtitle">${escapeHtml(doc.subtitle)}</p>` : ''}
<p class="subtitle">Generated ${escapeHtml(doc.generatedAt)}</p>
<nav>${nav}<a href="#provenance">Provenance</a></nav>
<section id="summary"><h2>Summary</h2>${renderTable(doc.summary)}</section>
${doc.sections.map(renderSection).join('\n')}
<section id="provenance"><h2>Provenance: inputs, parameters, versions, seeds, timings</h2>
<pre>${escapeHtml(JSON.stringify(doc.provenance, null, 2))}</pre></section>
</body></html>
`;
}
