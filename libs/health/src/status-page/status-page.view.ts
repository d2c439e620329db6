import { HealthStatus } from '../core/health-status';
import type { TrendWindow } from '../shared/trend-window';
import { TREND_WINDOWS } from '../shared/trend-window';
import { formatMs } from './sparkline';
import { STATUS_PAGE_CSS, STATUS_PAGE_SCRIPT } from './status-page.assets';

/** One row of the page. */
export interface StatusPageComponent {
  name: string;
  status: HealthStatus;
  shadow: boolean;
  /** Shown only to callers who may see details. */
  message?: string;
  /** Epoch ms of the run behind this status. */
  checkedAtMs: number;
  /** Healthy share of the window's samples; null without samples. */
  availabilityPct: number | null;
  p95Ms: number | null;
  /** The sparkline's SVG, '' without samples. */
  sparkline: string;
}

/** Everything the page shows, gathered by the controller. */
export interface StatusPageModel {
  version: string;
  nowMs: number;
  window: TrendWindow;
  /** The overall status of the last report; undefined before the first one. */
  overall?: HealthStatus;
  components: StatusPageComponent[];
  details: boolean;
  draining: boolean;
  /** Link to the event stream, relative to the page (`events`); undefined when it is off. */
  eventsPath?: string;
}

const ICONS: Record<HealthStatus, string> = {
  [HealthStatus.HEALTHY]: '\u2713',
  [HealthStatus.DEGRADED]: '!',
  [HealthStatus.UNHEALTHY]: '\u2715',
};

const TITLES: Record<HealthStatus, string> = {
  [HealthStatus.HEALTHY]: 'Healthy',
  [HealthStatus.DEGRADED]: 'Degraded',
  [HealthStatus.UNHEALTHY]: 'Unhealthy',
};

/** How the window selector and the caption name each window. */
export const WINDOW_LABELS: Record<TrendWindow, { short: string; long: string }> = {
  '15m': { short: '15 min', long: '15 minutes' },
  '1h': { short: '1 hour', long: 'hour' },
  '6h': { short: '6 hours', long: '6 hours' },
  '24h': { short: '24 hours', long: '24 hours' },
};

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** "just now", "42 s ago", "5 min ago", "3 h ago": as the page's script says it. */
export function ago(ms: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (s < 2) return 'just now';
  if (s < 120) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min ago`;
  return `${Math.round(m / 60)} h ago`;
}

/** The banner's words: the overall status, then what is not healthy (shadow checks aside). */
export function summary(
  overall: HealthStatus,
  components: readonly Pick<StatusPageComponent, 'name' | 'status' | 'shadow'>[],
): string {
  const problems = components
    .filter((c) => !c.shadow && c.status !== HealthStatus.HEALTHY)
    .map((c) => `${c.name} ${c.status}`);
  return `${TITLES[overall]}: ${problems.length ? problems.join(', ') : 'every component is healthy'}`;
}

/** The status page: one HTML document, its style and script inline, nothing else to load. */
export function renderStatusPage(model: StatusPageModel): string {
  const title = model.overall ? TITLES[model.overall] : 'Waiting';
  const events = model.eventsPath ? ` data-events="${escapeHtml(model.eventsPath)}"` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title} \u00b7 Service health</title>
<style>${STATUS_PAGE_CSS}</style>
</head>
<body${events}>
<header>
<div>
<h1>Service health</h1>
<p class="meta">Version ${escapeHtml(model.version)} \u00b7 page generated <time id="generated" datetime="${iso(model.nowMs)}" data-ms="${Math.round(model.nowMs)}">${ago(model.nowMs, model.nowMs)}</time></p>
</div>
${windowSelector(model.window)}
</header>
<main>
${banner(model)}
${model.draining ? '<p class="notice">This instance is shutting down: it no longer takes new traffic.</p>\n' : ''}${table(model)}
${model.details ? '' : '<p class="muted">Messages are hidden: this caller may not see details (<code>details</code> setting, details keys).</p>\n'}<p id="live" class="live">Live updates need JavaScript: reload the page for the latest state.</p>
</main>
<script>${STATUS_PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function windowSelector(current: TrendWindow): string {
  const links = (Object.keys(TREND_WINDOWS) as TrendWindow[]).map((window) => {
    const currentAttr = window === current ? ' aria-current="page"' : '';
    return `<li><a href="?window=${window}"${currentAttr}>${WINDOW_LABELS[window].short}</a></li>`;
  });
  return `<nav aria-label="Trend window"><ul class="windows">${links.join('')}</ul></nav>`;
}

function banner(model: StatusPageModel): string {
  const open = '<section id="overall" role="status" aria-live="polite" aria-atomic="true"';
  if (!model.overall) {
    return `${open} class="banner unknown"><span class="icon" aria-hidden="true">?</span><strong class="label">No evaluation has finished yet</strong></section>`;
  }
  const text = summary(model.overall, model.components);
  return `${open} class="banner ${model.overall}"><span class="icon" aria-hidden="true">${ICONS[model.overall]}</span><strong class="label">${escapeHtml(text)}</strong></section>`;
}

function table(model: StatusPageModel): string {
  const caption = `Components: state now, availability and response time over the last ${WINDOW_LABELS[model.window].long}`;
  const head = [
    'Component',
    'State',
    ...(model.details ? ['Message'] : []),
    'Checked',
    'Availability',
    'Response time',
  ]
    .map((name) => `<th scope="col">${name}</th>`)
    .join('');
  const rows = model.components.map((c) => row(c, model));
  const empty = `<tr><td colspan="${model.details ? 6 : 5}">No component has been checked yet.</td></tr>`;
  return `<div class="table" id="components"><table>
<caption>${caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${rows.length ? rows.join('\n') : empty}
</tbody>
</table></div>`;
}

function row(c: StatusPageComponent, model: StatusPageModel): string {
  const name = escapeHtml(c.name);
  const shadow = c.shadow ? '<span class="tag">shadow</span>' : '';
  const state = `<span class="badge ${c.status}"><span class="icon" aria-hidden="true">${ICONS[c.status]}</span><span class="label">${c.status}</span></span>`;
  const message = model.details ? `<td class="message">${escapeHtml(c.message ?? '')}</td>` : '';
  const checked = `<time datetime="${iso(c.checkedAtMs)}" data-ms="${Math.round(c.checkedAtMs)}">${ago(c.checkedAtMs, model.nowMs)}</time>`;
  const availability =
    c.availabilityPct === null
      ? '<span class="muted">no samples</span>'
      : `${c.availabilityPct.toFixed(2)} %`;
  const p95 = c.p95Ms === null ? '' : `<span class="muted">p95 ${formatMs(c.p95Ms)}</span>`;
  const latency =
    c.sparkline || p95 ? `${c.sparkline}${p95}` : '<span class="muted">no samples</span>';
  return `<tr data-component="${name}" data-status="${c.status}"><th scope="row">${name}${shadow}</th><td>${state}</td>${message}<td class="num">${checked}</td><td class="num">${availability}</td><td><div class="latency">${latency}</div></td></tr>`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
