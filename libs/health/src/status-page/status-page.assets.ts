import { createHash } from 'node:crypto';

/**
 * Foreground and background of every pair of colours the page shows, checked against WCAG 2
 * contrast in the spec: 4.5:1 for text, 3:1 for the sparkline's strokes and marks.
 */
export const PALETTE = {
  text: { fg: '#1b1f24', bg: '#ffffff' },
  muted: { fg: '#545b64', bg: '#ffffff' },
  link: { fg: '#0a58ca', bg: '#ffffff' },
  current: { fg: '#ffffff', bg: '#0a58ca' },
  healthy: { fg: '#0f5323', bg: '#e6f4ea' },
  degraded: { fg: '#6b3e00', bg: '#fff4dc' },
  unhealthy: { fg: '#8e1b1b', bg: '#fdecec' },
  unknown: { fg: '#1b1f24', bg: '#eef1f4' },
  sparkLine: { fg: '#0a58ca', bg: '#ffffff' },
  sparkDegraded: { fg: '#a05e00', bg: '#ffffff' },
  sparkUnhealthy: { fg: '#c62828', bg: '#ffffff' },
} as const;

const P = PALETTE;

export const STATUS_PAGE_CSS = [
  `:root{color-scheme:light}`,
  `*{box-sizing:border-box}`,
  `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:${P.text.fg};background:${P.text.bg}}`,
  `header,main{max-width:75rem;margin:0 auto;padding:0 1rem}`,
  `header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1.5rem;padding-top:1rem}`,
  `h1{font-size:1.5rem;margin:0}`,
  `.meta,.muted,.live,thead th{color:${P.muted.fg}}`,
  `.meta{margin:.25rem 0 0}`,
  `.banner{display:flex;gap:.75rem;align-items:center;border:2px solid;border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0;font-size:1.125rem}`,
  `.icon{display:inline-block;min-width:1em;text-align:center;font-weight:700}`,
  `.healthy{color:${P.healthy.fg};background:${P.healthy.bg}}`,
  `.degraded{color:${P.degraded.fg};background:${P.degraded.bg}}`,
  `.unhealthy{color:${P.unhealthy.fg};background:${P.unhealthy.bg}}`,
  `.unknown{color:${P.unknown.fg};background:${P.unknown.bg}}`,
  `.windows{list-style:none;display:flex;flex-wrap:wrap;gap:.375rem;padding:0;margin:0}`,
  `.windows a{display:inline-block;padding:.25rem .75rem;border:1px solid ${P.link.fg};border-radius:.375rem;color:${P.link.fg};text-decoration:none}`,
  `.windows a[aria-current]{background:${P.current.bg};color:${P.current.fg};font-weight:600}`,
  `a:focus-visible{outline:3px solid ${P.link.fg};outline-offset:2px}`,
  `a{color:${P.link.fg}}`,
  `.table{overflow-x:auto}`,
  `table{width:100%;border-collapse:collapse}`,
  `caption{text-align:left;font-weight:600;padding:.5rem 0}`,
  `th,td{text-align:left;padding:.5rem;border-bottom:1px solid #d0d7de;vertical-align:middle}`,
  `thead th{font-size:.875rem;font-weight:600}`,
  `.badge{display:inline-flex;gap:.25rem;align-items:center;border:1px solid;border-radius:999px;padding:0 .6rem;font-weight:600;white-space:nowrap}`,
  `.tag{font-size:.8125rem;font-weight:400;border:1px solid ${P.muted.fg};border-radius:.25rem;padding:0 .3rem;margin-left:.4rem;color:${P.muted.fg}}`,
  `.message{max-width:30rem;overflow-wrap:anywhere}`,
  `.num{font-variant-numeric:tabular-nums;white-space:nowrap}`,
  `.latency{display:flex;gap:.5rem;align-items:center;white-space:nowrap}`,
  `.spark-line{fill:none;stroke:${P.sparkLine.fg};stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}`,
  `.spark-dot{fill:${P.sparkLine.fg}}`,
  `.spark-degraded{fill:${P.sparkDegraded.fg}}`,
  `.spark-unhealthy{fill:${P.sparkUnhealthy.fg}}`,
  `.notice{border-left:4px solid ${P.degraded.fg};padding:.5rem 1rem;background:${P.degraded.bg};color:${P.degraded.fg}}`,
  `.live{font-size:.875rem}`,
].join('\n');

/**
 * The page's script: live updates from `<base>/events` (rows, banner, title) without reloading,
 * "checked … ago" kept current, and the table fetched again from the same URL every minute for
 * the trends (or at once when components come or go). The page reads fully without it.
 */
export const STATUS_PAGE_SCRIPT = `(function () {
  'use strict';
  var doc = document;
  var ICONS = { healthy: '\u2713', degraded: '!', unhealthy: '\u2715' };
  var TITLES = { healthy: 'Healthy', degraded: 'Degraded', unhealthy: 'Unhealthy' };
  var live = doc.getElementById('live');
  var eventsUrl = doc.body.getAttribute('data-events');
  var refreshing = false;

  function say(text) {
    if (live) live.textContent = text;
  }

  function ago(ms) {
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 2) return 'just now';
    if (s < 120) return s + ' s ago';
    var m = Math.round(s / 60);
    if (m < 120) return m + ' min ago';
    return Math.round(m / 60) + ' h ago';
  }

  function tick() {
    var times = doc.querySelectorAll('time[data-ms]');
    for (var i = 0; i < times.length; i++) {
      times[i].textContent = ago(Number(times[i].getAttribute('data-ms')));
    }
  }

  function summary(overall, components) {
    var problems = components
      .filter(function (c) { return !c.shadow && c.status !== 'healthy'; })
      .map(function (c) { return c.name + ' ' + c.status; });
    return TITLES[overall] + ': ' + (problems.length ? problems.join(', ') : 'every component is healthy');
  }

  function setBadge(el, status) {
    el.className = 'badge ' + status;
    el.querySelector('.icon').textContent = ICONS[status];
    el.querySelector('.label').textContent = status;
  }

  function applyReport(report) {
    var rows = doc.querySelectorAll('tr[data-component]');
    var byName = {};
    for (var i = 0; i < rows.length; i++) byName[rows[i].getAttribute('data-component')] = rows[i];
    var known = 0;
    report.components.forEach(function (c) {
      var row = byName[c.name];
      if (!row) return;
      known++;
      row.setAttribute('data-status', c.status);
      setBadge(row.querySelector('.badge'), c.status);
      var message = row.querySelector('.message');
      if (message && typeof c.message === 'string') message.textContent = c.message;
      var time = row.querySelector('time');
      if (time && typeof c.checked_at === 'number') {
        var ms = Math.round(c.checked_at * 1000);
        time.setAttribute('data-ms', String(ms));
        time.setAttribute('datetime', new Date(ms).toISOString());
      }
    });
    var banner = doc.getElementById('overall');
    banner.className = 'banner ' + report.overall_status;
    banner.querySelector('.icon').textContent = ICONS[report.overall_status];
    banner.querySelector('.label').textContent = summary(report.overall_status, report.components);
    doc.title = TITLES[report.overall_status] + ' \u00b7 Service health';
    tick();
    if (known !== report.components.length || known !== rows.length) refresh();
  }

  function refresh() {
    if (refreshing) return;
    refreshing = true;
    fetch(location.href, { headers: { Accept: 'text/html' }, cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        ['components', 'generated'].forEach(function (id) {
          var now = doc.getElementById(id);
          var fresh = next.getElementById(id);
          if (now && fresh) now.replaceWith(doc.importNode(fresh, true));
        });
        tick();
      })
      .catch(function () { /* the next refresh tries again */ })
      .then(function () { refreshing = false; });
  }

  function connect() {
    var source = new EventSource(eventsUrl);
    say('Connecting to live updates\u2026');
    source.addEventListener('open', function () {
      say('Live: this page updates as the service reports.');
    });
    source.addEventListener('report', function (event) {
      try {
        applyReport(JSON.parse(event.data));
      } catch (e) { /* a malformed event changes nothing */ }
    });
    source.addEventListener('error', function () {
      say('Live updates interrupted: reconnecting\u2026');
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
  }

  setInterval(tick, 1000);
  setInterval(refresh, eventsUrl ? 60000 : 15000);
  if (eventsUrl && typeof EventSource === 'function') connect();
  else say('Live updates are off: the table refreshes every 15 s.');
})();`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing but the page's own style and script (by hash), and requests to its own origin (the
 * event stream, the refresh): no CDN, no font, no frame, no form, no plugin.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STATUS_PAGE_CSS)}`,
  `script-src ${sha256(STATUS_PAGE_SCRIPT)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
