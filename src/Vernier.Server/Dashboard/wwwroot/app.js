// The Vernier dashboard: plain ES module, no build step. Charts are ECharts options built on the server
// (Vernier.Plots, points capped there); this file only fetches them and calls setOption.
const app = document.getElementById('app');
const errorBox = document.getElementById('error');
const live = document.getElementById('live');
let cleanup = [];
let routeId = 0; // a page's renders after the user has moved on are dropped
class Stale extends Error {}
const current = (id) => { if (id !== routeId) throw new Stale(); };

const enc = encodeURIComponent;
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const fmt = (v) => (v === null || v === undefined) ? '–' : (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : esc(typeof v === 'object' ? JSON.stringify(v) : v));
const fmtParams = (p) => Object.entries(p || {}).map(([k, v]) => `${esc(k)}=${fmt(v)}`).join(', ');
const when = (t) => t ? new Date(t).toLocaleString() : '–';

async function api(path, init) {
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers: { 'Accept': 'application/json', ...(init && init.body ? { 'Content-Type': 'application/json' } : {}) } });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = body && (body.detail || body.title) || response.statusText;
    const errors = body && body.errors ? ' ' + Object.entries(body.errors).map(([k, v]) => `${k}: ${[].concat(v).join(' ')}`).join('; ') : '';
    const err = new Error(`${response.status}: ${detail}${errors}`);
    err.status = response.status;
    throw err;
  }
  return body;
}

function showError(e) {
  if (e instanceof Stale) return;
  errorBox.textContent = e && e.message ? e.message : String(e);
  errorBox.hidden = false;
  setTimeout(() => { errorBox.hidden = true; }, 8000);
}

function debounce(fn, ms) {
  let timer = null;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

// ---- charts -------------------------------------------------------------------------------------
const charts = new Map();
function drawChart(host, view) {
  let el = host.querySelector('.canvas');
  host.querySelector('.note')?.remove();
  if (!el) { el = document.createElement('div'); el.className = 'canvas'; host.appendChild(el); }
  el.style.height = Math.min(Math.max(view.height || 360, 300), 900) + 'px';
  let chart = charts.get(host.id);
  if (!chart || chart.isDisposed()) { chart = echarts.init(el, null, { renderer: 'canvas' }); charts.set(host.id, chart); }
  chart.setOption(view.option, { notMerge: true, lazyUpdate: true });
  if (view.notes && view.notes.length) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = view.notes.join(' ');
    host.appendChild(note);
  }
  host.dataset.drawn = 'true';
}
window.addEventListener('resize', debounce(() => charts.forEach((c) => c.isDisposed() || c.resize()), 200));
function disposeCharts() { charts.forEach((c) => c.isDisposed() || c.dispose()); charts.clear(); }

// ---- router -------------------------------------------------------------------------------------
async function route() {
  cleanup.forEach((f) => f()); cleanup = [];
  disposeCharts();
  live.textContent = '';
  const id = ++routeId;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'study' && parts[1] && parts[2] === 'trial') await trialPage(parts[1], Number(parts[3]), id);
    else if (parts[0] === 'study' && parts[1]) await studyPage(parts[1], id);
    else if (parts[0] === 'job' && parts[1]) await jobPage(parts[1], id);
    else if (parts[0] === 'new') newJobPage();
    else await homePage(id);
  } catch (e) {
    if (e instanceof Stale) return;
    app.innerHTML = `<h1>Something went wrong</h1><p class="error-text">${esc(e.message)}</p>`;
  }
}
window.addEventListener('hashchange', route);

// ---- home: studies and jobs ---------------------------------------------------------------------
async function homePage(id) {
  document.title = 'Vernier dashboard';
  app.innerHTML = '<h1>Studies and tuning jobs</h1><p class="muted">Loading…</p>';
  const [studies, jobs] = await Promise.all([api('/api/studies'), api('/api/tuning/jobs')]);
  current(id);
  const jobRows = jobs.map((j) => {
    const p = j.progress || {};
    const done = (p.completed || 0) + (p.pruned || 0) + (p.failed || 0);
    return `<tr><td><a href="#/job/${enc(j.id)}">${esc(j.name)}</a></td><td>${esc(j.status)}</td>
      <td>${done} / ${j.num_samples} <span class="muted">(${p.running || 0} running)</span></td>
      <td>${j.best_trial ? fmt(j.best_trial.metric) + ' <span class="muted">#' + j.best_trial.number + '</span>' : '–'}</td>
      <td>${esc(j.metric_name)} (${esc(j.metric_mode)})</td></tr>`;
  }).join('');
  const studyRows = studies.map((s) => {
    const c = s.trial_counts || {};
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    return `<tr><td><a href="#/study/${enc(s.name)}">${esc(s.name)}</a></td><td>${esc(s.directions.join(', '))}</td>
      <td>${total} <span class="muted">(${c.complete || 0} complete, ${c.running || 0} running, ${c.pruned || 0} pruned, ${c.failed || 0} failed)</span></td>
      <td>${s.best_value !== null && s.best_value !== undefined ? fmt(s.best_value) + ' <span class="muted">#' + s.best_trial_number + '</span>' : (s.pareto_front_size ? s.pareto_front_size + ' on the Pareto front' : '–')}</td>
      <td>${when(s.last_activity)}</td></tr>`;
  }).join('');
  app.innerHTML = `<h1>Studies and tuning jobs</h1>
    <p><a href="#/new" class="button">New tuning job</a></p>
    <h2>Tuning jobs</h2>
    ${jobs.length ? `<table id="jobs"><thead><tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Best</th><th scope="col">Metric</th></tr></thead><tbody>${jobRows}</tbody></table>` : '<p class="muted">No tuning jobs yet.</p>'}
    <h2>Studies</h2>
    ${studies.length ? `<table id="studies"><thead><tr><th scope="col">Study</th><th scope="col">Directions</th><th scope="col">Trials</th><th scope="col">Best</th><th scope="col">Last activity</th></tr></thead><tbody>${studyRows}</tbody></table>` : '<p class="muted">No studies in this storage.</p>'}`;
}

// ---- study page ---------------------------------------------------------------------------------
async function studyPage(name, id) {
  document.title = `${name} · Vernier`;
  const base = `/api/studies/${enc(name)}`;
  app.innerHTML = `<h1>Study ${esc(name)}</h1>
    <div id="summary" class="cards" aria-live="polite"></div>
    <div id="best"></div>
    <div class="grid">
      <section class="chart" id="chart-history" aria-label="Optimization history"></section>
      <section class="chart" id="chart-importance" aria-label="Parameter importance"></section>
      <section class="chart" id="chart-parallel-coordinates" aria-label="Parallel coordinates"></section>
      <section class="chart" id="chart-slice" aria-label="Slice plots"></section>
      <section class="chart" id="chart-intermediate-values" aria-label="Intermediate values" hidden></section>
      <section class="chart" id="chart-pareto-front" aria-label="Pareto front" hidden></section>
    </div>
    <h2 id="trials-heading">Trials</h2>
    <div class="toolbar" role="search">
      <label>State <select id="f-state"><option value="">all</option><option>complete</option><option>running</option><option>pruned</option><option>failed</option><option>waiting</option></select></label>
      <label>Search <input id="f-q" type="search" placeholder="number, parameter value, reason"></label>
      <label>Page size <select id="f-size"><option>25</option><option selected>50</option><option>100</option></select></label>
    </div>
    <table id="trial-table" aria-labelledby="trials-heading"><thead></thead><tbody></tbody></table>
    <div class="pager"><button id="prev" type="button">Previous</button><span id="page-info"></span><button id="next" type="button">Next</button></div>`;

  const table = { sort: '-number', page: 1 };
  let overview = null;

  async function loadOverview() {
    overview = await api(`${base}/overview`);
    current(id);
    const s = overview.study;
    const c = s.trial_counts;
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const card = (k, v) => `<div class="card"><div class="k">${k}</div><div class="v">${v}</div></div>`;
    document.getElementById('summary').innerHTML =
      card('Trials', total) + card('Complete', c.complete || 0) + card('Running', c.running || 0) + card('Pruned', c.pruned || 0) + card('Failed', c.failed || 0) +
      card('Directions', esc(s.directions.join(', '))) +
      (s.best_value !== null && s.best_value !== undefined ? card('Best value', `${fmt(s.best_value)} <a href="#/study/${enc(name)}/trial/${s.best_trial_number}">#${s.best_trial_number}</a>`) : '') +
      (overview.job_id ? card('Tuning job', `<a href="#/job/${enc(overview.job_id)}">${esc(overview.job_id)}</a>`) : '');
    const best = overview.best;
    document.getElementById('best').innerHTML = best.length
      ? `<p id="best-trial"><strong>${s.directions.length > 1 ? 'Pareto front' : 'Best trial'}:</strong> ${best.slice(0, 5).map((t) => `<a href="#/study/${enc(name)}/trial/${t.number}">#${t.number}</a> ${t.values.map(fmt).join(', ')} (${fmtParams(t.params)})`).join('; ')}${best.length > 5 ? ` and ${best.length - 5} more` : ''}</p>`
      : '<p class="muted" id="best-trial">No complete trial yet.</p>';
    drawChart(document.getElementById('chart-history'), overview.history);
    document.getElementById('chart-intermediate-values').hidden = !overview.has_intermediate_values;
    document.getElementById('chart-pareto-front').hidden = s.directions.length < 2;
  }

  async function loadChart(kind, query = '') {
    const host = document.getElementById('chart-' + kind);
    if (!host || host.hidden) return;
    try { const view = await api(`${base}/plots/${kind}${query}`); current(id); drawChart(host, view); }
    catch (e) { if (e instanceof Stale) throw e; host.innerHTML = `<p class="note">${esc(kind)}: ${esc(e.message)}</p>`; }
  }

  async function loadCharts() {
    // One after another: the server shares one read of the study between them.
    for (const kind of ['parallel-coordinates', 'slice', 'intermediate-values', 'pareto-front']) await loadChart(kind);
    await loadChart('importance', '?evaluator=ped-anova');
  }

  function tableUrl() {
    const state = document.getElementById('f-state').value;
    const q = document.getElementById('f-q').value.trim();
    const size = Number(document.getElementById('f-size').value);
    const qs = new URLSearchParams({ sort: table.sort, page: String(table.page), page_size: String(size) });
    if (state) qs.set('state', state);
    if (q) qs.set('q', q);
    return `${base}/table?${qs}`;
  }

  async function loadTable(prefetched) {
    const page = await (prefetched || api(tableUrl()));
    current(id);
    const paramNames = overview ? overview.parameters : [];
    const multi = overview && overview.study.directions.length > 1;
    const sortButton = (key, label) => {
      const active = table.sort.replace('-', '') === key;
      const dir = active ? (table.sort.startsWith('-') ? 'descending' : 'ascending') : 'none';
      return `<th scope="col" aria-sort="${dir}"><button type="button" data-sort="${key}">${label}${active ? (dir === 'descending' ? ' ▼' : ' ▲') : ''}</button></th>`;
    };
    const tableEl = document.getElementById('trial-table');
    tableEl.querySelector('thead').innerHTML = `<tr>${sortButton('number', 'Trial')}<th scope="col">State</th>${sortButton('value', multi ? 'Values' : 'Value')}${paramNames.map((p) => `<th scope="col">${esc(p)}</th>`).join('')}${sortButton('duration', 'Duration (s)')}</tr>`;
    tableEl.querySelector('tbody').innerHTML = page.items.map((t) => `<tr class="clickable" tabindex="0" data-number="${t.number}">
      <td><a href="#/study/${enc(name)}/trial/${t.number}">#${t.number}</a></td><td class="state-${esc(t.state)}">${esc(t.state)}</td>
      <td>${t.values.length ? t.values.map(fmt).join(', ') : (t.last_intermediate_value ? '<span class="muted">' + fmt(t.last_intermediate_value.value) + ' @' + t.last_intermediate_value.step + '</span>' : '–')}</td>
      ${paramNames.map((p) => `<td>${fmt(t.params[p])}</td>`).join('')}<td>${fmt(t.duration_seconds)}</td></tr>`).join('') ||
      `<tr><td colspan="${4 + paramNames.length}" class="muted">No trials match.</td></tr>`;
    const pages = Math.max(1, Math.ceil(page.total / page.page_size));
    document.getElementById('page-info').textContent = `page ${page.page} of ${pages} (${page.total} trials)`;
    document.getElementById('prev').disabled = page.page <= 1;
    document.getElementById('next').disabled = page.page >= pages;
    tableEl.dataset.loaded = 'true';
  }

  document.getElementById('trial-table').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-sort]');
    if (button) {
      const key = button.dataset.sort;
      table.sort = table.sort === '-' + key ? key : '-' + key;
      table.page = 1;
      loadTable().catch(showError);
      return;
    }
    const row = e.target.closest('tr[data-number]');
    if (row && !e.target.closest('a')) location.hash = `#/study/${enc(name)}/trial/${row.dataset.number}`;
  });
  document.getElementById('trial-table').addEventListener('keydown', (e) => {
    const row = e.target.closest('tr[data-number]');
    if (row && e.key === 'Enter') location.hash = `#/study/${enc(name)}/trial/${row.dataset.number}`;
  });
  document.getElementById('prev').addEventListener('click', () => { table.page--; loadTable().catch(showError); });
  document.getElementById('next').addEventListener('click', () => { table.page++; loadTable().catch(showError); });
  const refilter = debounce(() => { table.page = 1; loadTable().catch(showError); }, 250);
  for (const id of ['f-state', 'f-size']) document.getElementById(id).addEventListener('change', refilter);
  document.getElementById('f-q').addEventListener('input', refilter);

  // Both at once: the server answers the table from the same read of the study as the overview.
  const firstPage = api(tableUrl());
  firstPage.catch(() => {});
  await loadOverview();
  await loadTable(firstPage);
  document.body.dataset.usable = 'true';
  document.body.dataset.usableAtMs = String(Math.round(performance.now()));
  loadCharts().catch((e) => e instanceof Stale || showError(e));

  // Live: a burst of trial events schedules a re-fetch of the aggregates 1 s after the last event, and another 3.5 s after
  // it: the server shares one read of a study for 3 s (StudySnapshotCache.Lifetime), so the second one sees the change
  // even when the first was answered from a read made just before the event.
  const update = async () => {
    try { await loadOverview(); await loadTable(); await loadCharts(); live.textContent = 'live · updated ' + new Date().toLocaleTimeString(); }
    catch (e) { if (!(e instanceof Stale)) showError(e); }
  };
  const soon = debounce(update, 1000);
  const settled = debounce(update, 3500);
  subscribe(name, () => { soon(); settled(); });
}

function subscribe(name, onChange) {
  if (!window.EventSource) return;
  const source = new EventSource(`/api/studies/${enc(name)}/events`);
  source.onopen = () => { live.textContent = 'live'; };
  for (const type of ['trial_created', 'trial_state_changed', 'trial_intermediate_value', 'trial_finished']) source.addEventListener(type, onChange);
  source.onmessage = onChange;
  source.onerror = () => { live.textContent = 'reconnecting…'; };
  cleanup.push(() => source.close());
}

// ---- trial view ---------------------------------------------------------------------------------
async function trialPage(name, number, id) {
  document.title = `Trial ${number} · ${name} · Vernier`;
  const base = `/api/studies/${enc(name)}`;
  const t = await api(`${base}/trials/${number}`);
  current(id);
  const rows = (obj) => Object.entries(obj || {}).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${fmt(v)}</dd>`).join('');
  app.innerHTML = `<p><a href="#/study/${enc(name)}">← Study ${esc(name)}</a></p>
    <h1>Trial #${t.number} <span class="state-${esc(t.state)}">${esc(t.state)}</span></h1>
    <dl class="kv" id="trial-info">
      <dt>Values</dt><dd>${t.values.length ? t.values.map(fmt).join(', ') : '–'}</dd>
      <dt>Started</dt><dd>${when(t.started_at)}</dd><dt>Completed</dt><dd>${when(t.completed_at)}</dd>
      <dt>Duration (s)</dt><dd>${fmt(t.duration_seconds)}</dd>
      ${t.fail_reason ? `<dt>Failure reason</dt><dd class="state-failed">${esc(t.fail_reason)}</dd>` : ''}
    </dl>
    <h2>Parameters</h2><dl class="kv">${rows(t.params) || '<dt>none</dt><dd></dd>'}</dl>
    ${Object.keys(t.user_attributes || {}).length ? `<h2>Metrics and attributes</h2><dl class="kv">${rows(t.user_attributes)}</dl>` : ''}
    ${(t.intermediate_values || []).length ? `<h2>Intermediate values</h2><p>${t.intermediate_values.map((p) => `${p.step}: ${fmt(p.value)}`).join(' · ')}</p>` : ''}
    <h2>Logs</h2><div id="logs"><p class="muted">Loading…</p></div>`;
  try {
    const logs = await api(`${base}/trials/${number}/logs`);
    current(id);
    document.getElementById('logs').innerHTML = (logs.truncated ? '<p class="muted">Only the end of the logs is shown.</p>' : '') +
      `<h3>Standard output</h3><pre>${esc(logs.stdout ?? '(none)')}</pre><h3>Standard error</h3><pre>${esc(logs.stderr ?? '(none)')}</pre>`;
  } catch (e) {
    if (e instanceof Stale) return;
    document.getElementById('logs').innerHTML = `<p class="muted">${esc(e.status === 404 ? 'No logs: ' + e.message.replace(/^404: /, '') : e.message)}</p>`;
  }
}

// ---- tuning job: progress -----------------------------------------------------------------------
async function jobPage(id, route) {
  const render = async () => {
    const j = await api(`/api/tuning/jobs/${enc(id)}`);
    current(route);
    document.title = `${j.name} · Vernier`;
    const p = j.progress;
    const done = p.completed + p.pruned + p.failed;
    const pct = Math.min(100, Math.round(100 * done / Math.max(1, j.num_samples)));
    const trials = (j.trials || []).slice().sort((a, b) => b.number - a.number).slice(0, 50);
    app.innerHTML = `<h1>Tuning job ${esc(j.name)}</h1>
      <div class="cards">
        <div class="card"><div class="k">Status</div><div class="v" id="job-status">${esc(j.status)}</div></div>
        <div class="card"><div class="k">Trials done</div><div class="v" id="job-done">${done} / ${j.num_samples}</div></div>
        <div class="card"><div class="k">Running</div><div class="v">${p.running}</div></div>
        <div class="card"><div class="k">Failed</div><div class="v">${p.failed}</div></div>
        <div class="card"><div class="k">Best ${esc(j.metric_name)} (${esc(j.metric_mode)})</div><div class="v" id="job-best">${j.best_trial ? fmt(j.best_trial.metric) : '–'}</div></div>
      </div>
      <div class="progress" role="progressbar" aria-label="Job progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}"><div style="width:${pct}%"></div></div>
      ${j.reason ? `<p class="muted">${esc(j.reason)}</p>` : ''}
      ${j.best_trial ? `<p id="job-best-trial">Best trial so far: <a href="#/study/${enc(j.study_name)}/trial/${j.best_trial.number}">#${j.best_trial.number}</a> (${fmtParams(j.best_trial.params)})</p>` : ''}
      <p><a href="#/study/${enc(j.study_name)}" id="study-link">Open the study page (charts, trials, logs)</a>
      ${j.status === 'running' || j.status === 'created' ? ' · <button type="button" id="cancel">Cancel job</button>' : ''}</p>
      <h2>Latest trials</h2>
      <table id="job-trials"><thead><tr><th scope="col">Trial</th><th scope="col">Status</th><th scope="col">Parameters</th><th scope="col">Metrics</th></tr></thead>
      <tbody>${trials.map((t) => `<tr><td><a href="#/study/${enc(j.study_name)}/trial/${t.number}">#${t.number}</a></td><td class="state-${esc(t.status)}">${esc(t.status)}</td><td>${fmtParams(t.params)}</td><td>${fmtParams(t.metrics)}</td></tr>`).join('')}</tbody></table>`;
    document.getElementById('cancel')?.addEventListener('click', () => api(`/api/tuning/jobs/${enc(id)}/cancel`, { method: 'POST', body: '{}' }).then(render).catch(showError));
    return j;
  };
  const first = await render();
  if (first.status === 'running' || first.status === 'created') {
    const refresh = debounce(() => render().catch((e) => e instanceof Stale || showError(e)), 700);
    subscribe(first.study_name, refresh);
    const timer = setInterval(() => render().then((j) => { if (j.status !== 'running' && j.status !== 'created') clearInterval(timer); }).catch((e) => e instanceof Stale || showError(e)), 3000);
    cleanup.push(() => clearInterval(timer));
  }
}

// ---- new tuning job -----------------------------------------------------------------------------
const paramTypes = ['uniform', 'loguniform', 'randint', 'choice', 'quniform', 'lograndint'];
function paramRow(i) {
  return `<div class="param-row" data-param="${i}">
    <label>Parameter name <input name="p-name" required pattern="[A-Za-z_][A-Za-z0-9_.-]*" value="${i === 0 ? 'x' : ''}"></label>
    <label>Type <select name="p-type">${paramTypes.map((t) => `<option>${t}</option>`).join('')}</select></label>
    <label>Min <input name="p-min" inputmode="decimal" size="8" value="${i === 0 ? '0' : ''}"></label>
    <label>Max <input name="p-max" inputmode="decimal" size="8" value="${i === 0 ? '1' : ''}"></label>
    <label>Values (choice, comma-separated) <input name="p-values" size="16"></label>
    <button type="button" class="remove" aria-label="Remove parameter">Remove</button></div>`;
}

function newJobPage() {
  document.title = 'New tuning job · Vernier';
  let count = 1;
  app.innerHTML = `<h1>New tuning job</h1>
  <form id="job-form" novalidate>
    <fieldset><legend>Job</legend><div class="toolbar">
      <label>Job name <input name="name" required value="job-${Date.now().toString(36)}"></label>
      <label>Dataset key <input name="dataset_key" required value="default"></label>
      <label>Base model id <input name="base_model_id" required value="default"></label>
    </div></fieldset>
    <fieldset id="params"><legend>Search space</legend><div id="param-rows">${paramRow(0)}</div>
      <button type="button" id="add-param">Add parameter</button></fieldset>
    <fieldset><legend>Objective</legend><div class="toolbar">
      <label>Metric name <input name="metric_name" required value="score"></label>
      <label>Direction <select name="metric_mode"><option value="max">maximize</option><option value="min">minimize</option></select></label>
      <label>Command (with --allow-commands; prints METRIC name=value) <input name="command" size="48" placeholder="python3 train.py --lr={learning_rate}"></label>
      <label>or server template <input name="template" size="12" placeholder="train"></label>
      <label>Trial timeout (s) <input name="trial_timeout" inputmode="decimal" size="6"></label>
    </div></fieldset>
    <fieldset><legend>Budget and algorithms</legend><div class="toolbar">
      <label>Trials <input name="num_samples" type="number" min="1" value="10" required></label>
      <label>Concurrency <input name="max_concurrent_trials" type="number" min="1" value="2" required></label>
      <label>Job timeout (s) <input name="timeout" inputmode="decimal" size="6"></label>
      <label>Sampler <select name="sampler"><option value="">default (tpe)</option><option>tpe</option><option>random</option><option>gp</option><option>cmaes</option><option>qmc</option></select></label>
      <label>Pruner <select name="pruner"><option value="">none</option><option>median</option><option>percentile</option><option>successive-halving</option><option>hyperband</option></select></label>
      <label>Seed <input name="seed" type="number" min="0"></label>
    </div></fieldset>
    <button type="submit" class="primary" id="start">Start</button>
  </form>`;
  const rows = document.getElementById('param-rows');
  document.getElementById('add-param').addEventListener('click', () => { rows.insertAdjacentHTML('beforeend', paramRow(count++)); rows.lastElementChild.querySelector('input').focus(); });
  rows.addEventListener('click', (e) => { if (e.target.classList.contains('remove')) e.target.closest('.param-row').remove(); });
  document.getElementById('job-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const num = (v) => (v === null || String(v).trim() === '') ? undefined : Number(v);
    const scalar = (v) => { const t = v.trim(); return t !== '' && !Number.isNaN(Number(t)) ? Number(t) : (t === 'true' ? true : t === 'false' ? false : t); };
    const space = {};
    for (const row of rows.querySelectorAll('.param-row')) {
      const get = (n) => row.querySelector(`[name=${n}]`).value;
      const pname = get('p-name').trim();
      if (!pname) continue;
      const type = get('p-type');
      space[pname] = type === 'choice' ? { type, values: get('p-values').split(',').filter((s) => s.trim() !== '').map(scalar) } : { type, min: num(get('p-min')), max: num(get('p-max')) };
    }
    const body = {
      name: f.get('name'), dataset_key: f.get('dataset_key'), base_model_id: f.get('base_model_id'),
      metric_name: f.get('metric_name'), metric_mode: f.get('metric_mode'),
      num_samples: num(f.get('num_samples')), max_concurrent_trials: num(f.get('max_concurrent_trials')), search_space: space,
    };
    const command = String(f.get('command') || '').trim();
    const template = String(f.get('template') || '').trim();
    if (command || template) {
      body.objective = command ? { command } : { template };
      if (num(f.get('trial_timeout')) !== undefined) body.objective.timeout = num(f.get('trial_timeout'));
    }
    if (num(f.get('timeout')) !== undefined) body.timeout = num(f.get('timeout'));
    if (f.get('sampler')) body.sampler = f.get('sampler');
    if (f.get('pruner')) body.pruner = f.get('pruner');
    if (num(f.get('seed')) !== undefined) body.seed = num(f.get('seed'));
    const button = document.getElementById('start');
    button.disabled = true;
    try {
      const job = await api('/api/tuning/jobs', { method: 'POST', body: JSON.stringify(body) });
      await api(`/api/tuning/jobs/${enc(job.id)}/start`, { method: 'POST', body: '{}' });
      location.hash = `#/job/${enc(job.id)}`;
    } catch (err) {
      showError(err);
      button.disabled = false;
    }
  });
}

route();
