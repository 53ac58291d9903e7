// Canopy portal: a page per hash route (#/ the clusters, #/clusters/<name> one cluster, #/clusters/<name>/sql its SQL
// editor), talking to /api/v1 with the API key kept in sessionStorage, so it is gone when the tab closes.
const API = '/api/v1';
const KEY = 'canopy.apiKey';
const POLL_MS = 2000;
const main = document.getElementById('main');
let stopPolling = () => {};

/** Builds an element: h('td', {class: 'x'}, 'text', child). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body, headers = {}) {
  const response = await fetch(API + path, {
    method,
    // the page polls: a cached answer would freeze it
    cache: 'no-store',
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem(KEY), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  // an unchanged page (If-None-Match): nothing to render again
  if (response.status === 304) return { notModified: true, etag: response.headers.get('ETag') };
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (response.status === 401 && sessionStorage.getItem(KEY)) {
    sessionStorage.removeItem(KEY);
    route();
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return { json, etag: response.headers.get('ETag') };
}

function signIn() {
  const error = h('p', { class: 'error', id: 'sign-in-error' });
  const key = h('input', { id: 'api-key', type: 'password', size: 60, placeholder: 'cnp_…', autocomplete: 'off' });
  const form = h('form', { id: 'sign-in', onsubmit: async (e) => {
    e.preventDefault();
    // asked directly, not through api(), which signs out and re-renders on a 401
    const response = await fetch(API + '/clusters?limit=1', { headers: { Authorization: 'Bearer ' + key.value.trim() } });
    if (response.ok) {
      sessionStorage.setItem(KEY, key.value.trim());
      // a changed hash routes by itself (hashchange); an unchanged one needs asking
      if (location.hash === '#/') route(); else location.hash = '#/';
    } else {
      error.textContent = response.status === 401 ? 'That key is not valid.' : `The API answered ${response.status}.`;
    }
  } }, h('label', {}, 'API key', key), h('button', { type: 'submit' }, 'Sign in'), error);
  main.replaceChildren(h('section', {}, h('h2', {}, 'Sign in'),
    h('p', {}, 'With an API key: ', h('code', {}, 'canopy up'), ' wrote the first one to ', h('code', {}, '.canopy/admin.key'), '.'), form));
  key.focus();
}

function phase(p) {
  return h('span', { class: `phase phase-${p}` }, p);
}

async function clusterList() {
  const list = h('tbody', { id: 'clusters' });
  const section = h('section', {}, h('h2', {}, 'Clusters'),
    h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'Region', 'Release', 'Phase', 'Aggregators', 'Leaves'].map(t => h('th', {}, t)))), list));
  main.replaceChildren(section, await createForm());
  // a page of 100 at a time; polling asks with the page's ETag and renders nothing when it has not changed
  const cursors = [null];
  let pageEtag = null;
  const pager = h('p', { class: 'pager' });
  const refresh = async () => {
    const cursor = cursors[cursors.length - 1];
    const got = await api('GET', `/clusters?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined,
      pageEtag ? { 'If-None-Match': pageEtag } : {});
    if (got.notModified) return;
    pageEtag = got.etag;
    const json = got.json;
    pager.replaceChildren(...[
      cursors.length > 1 ? h('button', { id: 'previous-page', onclick: () => { cursors.pop(); pageEtag = null; refresh(); } }, '← Previous') : null,
      json.next ? h('button', { id: 'next-page', onclick: () => { cursors.push(json.next); pageEtag = null; refresh(); } }, 'Next →') : null,
    ].filter(Boolean));
    list.replaceChildren(...(json.items.length ? json.items.map(c => h('tr', { 'data-name': c.name },
      h('td', {}, h('a', { href: `#/clusters/${encodeURIComponent(c.name)}` }, c.name)), h('td', {}, c.region),
      h('td', {}, c.spec.release), h('td', {}, phase(c.phase)),
      h('td', {}, counts(c.status?.aggregators, c.spec.aggregators.count)),
      h('td', {}, counts(c.status?.leaves, c.spec.leaves.count * 2)))) : [h('tr', {}, h('td', { colspan: 6 }, 'No clusters yet.'))]));
  };
  section.append(pager);
  await refresh();
  poll(refresh);
}

/** Clusters per page of the list. */
const PAGE = 100;

function counts(status, wanted) {
  return status ? `${status.ready}/${status.total} ready` : `0/${wanted}`;
}

function field(label, name, attrs = {}) {
  return h('label', {}, label, h('input', { name, ...attrs }), h('span', { class: 'field-error', 'data-field': name }));
}

async function createForm() {
  const { json } = await api('GET', '/regions');
  const regions = json.items;
  const release = h('select', { name: 'release' });
  const region = h('select', { name: 'region', onchange: () => fillReleases() }, regions.map(r => h('option', { value: r.name }, r.name)));
  const fillReleases = () => {
    const r = regions.find(x => x.name === region.value);
    release.replaceChildren(...(r ? r.releases.slice().reverse().map(v => h('option', { value: v }, v)) : []));
  };
  fillReleases();
  const error = h('p', { class: 'error', id: 'create-error' });
  const form = h('form', { id: 'create', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    form.querySelectorAll('.field-error').forEach(s => { s.textContent = ''; });
    error.textContent = '';
    const v = (n) => form.elements[n].value.trim();
    const num = (n) => (v(n) === '' ? null : Number(v(n)));
    const body = {
      name: v('name'), region: v('region'), release: v('release'), redundancyLevel: num('redundancyLevel'),
      aggregators: { count: num('aggregators.count'), height: num('aggregators.height') },
      leaves: { count: num('leaves.count'), height: num('leaves.height'), storageGB: num('leaves.storageGB') },
      replicaOf: replicaOf(v('replicaOf')),
    };
    try {
      await api('POST', '/clusters', body, { 'Idempotency-Key': crypto.randomUUID() });
      location.hash = `#/clusters/${encodeURIComponent(body.name)}`;
    } catch (err) {
      showProblem(form, error, err);
    }
  } },
  h('div', {}, field('Name', 'name', { placeholder: 'orders' }),
    h('label', {}, 'Region', region, h('span', { class: 'field-error', 'data-field': 'region' })),
    h('label', {}, 'Release', release, h('span', { class: 'field-error', 'data-field': 'release' })),
    field('Redundancy level', 'redundancyLevel', { type: 'number', value: 2, min: 1 })),
  h('div', {}, field('Aggregators', 'aggregators.count', { type: 'number', value: 1, min: 1 }),
    field('Aggregator height', 'aggregators.height', { type: 'number', value: 0.25, step: 0.25 })),
  h('div', {}, field('Leaves per availability group', 'leaves.count', { type: 'number', value: 1, min: 1 }),
    field('Leaf height', 'leaves.height', { type: 'number', value: 0.25, step: 0.25 }),
    field('Storage per leaf (GB)', 'leaves.storageGB', { type: 'number', value: 1, min: 1 })),
  // the API names replicaOf.cluster or replicaOf.region: both messages land next to the one field
  h('div', {}, h('label', {}, 'Replica of (optional, [region/]cluster)', h('input', { name: 'replicaOf', placeholder: 'orders' }),
    h('span', { class: 'field-error', 'data-field': 'replicaOf.cluster' }), h('span', { class: 'field-error', 'data-field': 'replicaOf.region' }))),
  h('button', { type: 'submit' }, 'Create cluster'), error);
  return h('section', {}, h('h2', {}, 'Create a cluster'), form);
}

/** '[region/]cluster' as the API's replicaOf (the region defaults to the new cluster's), or undefined when empty. */
function replicaOf(text) {
  if (!text) return undefined;
  const slash = text.indexOf('/');
  return slash < 0 ? { cluster: text } : { region: text.slice(0, slash), cluster: text.slice(slash + 1) };
}

/** What a replica's feed does, or how it was promoted; empty for a cluster that never was a replica. */
function replicationText(c) {
  const r = c.status?.replication;
  if (r?.promotedAt) {
    return `Promoted at ${r.promotedAt}`
      + `${r.lagAtPromotionSeconds != null ? `, lag at promotion ${r.lagAtPromotionSeconds.toFixed(1)} s` : ''}`
      + `${r.sourceFenced ? `, ${r.source} fenced` : `, ${r.source} not fenced`}`;
  }
  // the region's state says the lag itself while streaming; said once
  const lag = r?.lagSeconds != null && !/\blag /.test(r.state || '') ? `, lag ${r.lagSeconds.toFixed(1)} s` : '';
  if (r) return `Replica of ${r.source}: ${r.state}${lag}`;
  const of = c.spec.replicaOf;
  return of ? `Replica of ${of.region}/${of.cluster}: waiting for the region to report` : '';
}

/** A problem+json answer: each field's message next to its field, the rest (and unmatched fields) under the form. */
function showProblem(form, error, err) {
  const unmatched = [];
  for (const p of err.problem?.errors || []) {
    const slot = form.querySelector(`.field-error[data-field="${CSS.escape(p.field)}"]`);
    if (slot) slot.textContent = p.message; else unmatched.push(`${p.field}: ${p.message}`);
  }
  error.textContent = [err.message, ...unmatched].join(' · ');
}

async function clusterPage(name) {
  const path = `/clusters/${encodeURIComponent(name)}`;
  let etag = null;
  let current = null;
  const title = h('h2', {}, name, ' ', h('span', { id: 'phase' }));
  const progress = h('div', { id: 'progress', class: 'progress' });
  const lastUpgrade = h('div', { id: 'last-upgrade', class: 'progress' });
  const replication = h('div', { id: 'replication', class: 'progress' });
  const events = h('ul', { id: 'events' });
  const connection = h('code', { id: 'connection', class: 'conn' });
  const topology = h('div', { id: 'topology' });
  const conditions = h('tbody', { id: 'conditions' });
  const charts = h('div', { class: 'charts', id: 'charts' });
  const telemetryNote = h('p', { id: 'telemetry-note' });
  const tables = h('tbody', { id: 'tables' });
  const queries = h('tbody', { id: 'queries' });
  const actionError = h('p', { class: 'error', id: 'action-error' });
  const backupList = h('tbody', { id: 'backups' });
  const userList = h('tbody', { id: 'users' });
  const userError = h('p', { class: 'error', id: 'user-error' });
  const newLogin = h('div', { id: 'new-login', class: 'progress', hidden: true });
  const backupError = h('p', { class: 'error', id: 'backup-error' });
  const chartDefs = [
    ['nodesUp', 'Nodes up', v => v],
    ['queriesPerSecond', 'Queries per second', v => v.toFixed(1)],
    ['cpuLoad', 'CPU load (leaves)', v => `${(v * 100).toFixed(0)}%`],
    ['heapUsedBytes', 'Heap used', v => `${(v / 1048576).toFixed(0)} MiB`],
    // a replica's only: hidden while no sample has it
    ['replicationLagSeconds', 'Replication lag', v => `${v.toFixed(1)} s`, true],
  ].map(([key, label, format, optional]) => ({ key, label, format, optional, el: h('div', { class: 'chart', 'data-series': key }) }));
  charts.replaceChildren(...chartDefs.map(c => c.el));

  const act = async (what, method, suffix, body, question = `${what} cluster ${name}?`) => {
    if (!confirm(question)) return;
    actionError.textContent = '';
    try {
      await api(method, path + suffix, body, etag ? { 'If-Match': etag } : {});
      if (method === 'DELETE') { location.hash = '#/'; return; }
      await refresh();
    } catch (err) {
      showProblem(actions, actionError, err);
    }
  };
  const num = (n) => { const v = actions.elements[n].value.trim(); return v === '' ? undefined : Number(v); };
  const upgradeTo = h('select', { name: 'release' });
  const strategy = h('select', { name: 'strategy' }, h('option', { value: '' }, 'cluster\u2019s strategy'),
    h('option', { value: 'BlueGreen' }, 'blue/green'), h('option', { value: 'CoordinatedRestart' }, 'coordinated restart'));
  const actions = h('form', { class: 'actions', id: 'actions', onsubmit: e => e.preventDefault() },
    h('div', {}, field('Aggregators', 'aggregators.count', { type: 'number', min: 1 }),
      field('Leaves per AG', 'leaves.count', { type: 'number', min: 1 }),
      field('Leaf height', 'leaves.height', { type: 'number', step: 0.25 }),
      h('button', { id: 'resize', onclick: () => act('Resize', 'POST', '/resize', {
        aggregators: { count: num('aggregators.count') }, leaves: { count: num('leaves.count'), height: num('leaves.height') } }) }, 'Resize')),
    h('div', {}, h('label', {}, 'Release', upgradeTo, h('span', { class: 'field-error', 'data-field': 'release' })),
      h('label', {}, 'Engine change', strategy, h('span', { class: 'field-error', 'data-field': 'strategy' })),
      h('button', { id: 'upgrade', onclick: () => act('Upgrade', 'POST', '/upgrade',
        { release: upgradeTo.value, strategy: strategy.value || undefined }) }, 'Upgrade')),
    h('div', {}, h('button', { id: 'suspend', onclick: () => act('Suspend', 'POST', '/suspend') }, 'Suspend'),
      h('button', { id: 'resume', onclick: () => act('Resume', 'POST', '/resume') }, 'Resume'),
      h('button', { id: 'promote', hidden: true, onclick: () => act('Promote', 'POST', '/promote', undefined,
        `Promote cluster ${name}? It stops following its source and takes writes; the source is made read-only if it can be reached.`) },
      'Promote'),
      h('button', { id: 'delete', onclick: () => act('Delete', 'DELETE', '') }, 'Delete')),
    actionError);

  const backupAct = async (call) => {
    backupError.textContent = '';
    backupPolicy.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
    try {
      await call();
      await refreshBackups();
    } catch (err) {
      showProblem(backupPolicy, backupError, err);
    }
  };
  const backupPolicy = h('form', { class: 'actions', id: 'backup-policy', novalidate: true, onsubmit: e => e.preventDefault() },
    h('div', {}, field('Every (e.g. 6h, 1d; empty: on demand only)', 'backup.schedule', { size: 8 }),
      field('Keep the newest', 'backup.retention', { type: 'number', min: 1 }),
      h('button', { id: 'save-backup-policy', onclick: () => backupAct(async () => {
        const v = backupPolicy.elements['backup.schedule'].value.trim();
        const keep = backupPolicy.elements['backup.retention'].value.trim();
        const got = await api('POST', `${path}/backup-policy`, {
          schedule: v === '' ? undefined : v, retention: keep === '' ? undefined : Number(keep),
          destination: current?.spec.backup?.destination });
        etag = got.etag;
      }) }, 'Save schedule'),
      h('button', { id: 'backup-now', onclick: () => backupAct(() => api('POST', `${path}/backups`)) }, 'Back up now')));
  const restoreForm = h('form', { class: 'actions', id: 'restore', hidden: true, novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const f = restoreForm.elements;
    const backup = JSON.parse(restoreForm.dataset.backup);
    const num = (n) => (f[n].value.trim() === '' ? null : Number(f[n].value));
    const body = {
      name: f.name.value.trim(), region: f.region.value, release: backup.release, redundancyLevel: backup.topology.redundancyLevel,
      aggregators: { count: backup.topology.aggregators, height: current?.spec.aggregators.height ?? 0.25 },
      leaves: { count: num('leaves.count'), height: backup.topology.leafHeight, storageGB: num('leaves.storageGB') },
      restoreFrom: { backup: backup.id, destination: backup.location },
    };
    backupError.textContent = '';
    try {
      await api('POST', '/clusters', body, { 'Idempotency-Key': crypto.randomUUID() });
      location.hash = `#/clusters/${encodeURIComponent(body.name)}`;
    } catch (err) {
      restoreForm.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
      showProblem(restoreForm, backupError, err);
    }
  } },
    h('h3', { id: 'restore-title' }), field('New cluster', 'name', { placeholder: `${name}-restored` }),
    h('label', {}, 'Region', h('select', { name: 'region' }), h('span', { class: 'field-error', 'data-field': 'region' })),
    field('Leaves per AG', 'leaves.count', { type: 'number', min: 1 }),
    field('Storage per leaf (GB)', 'leaves.storageGB', { type: 'number', min: 1 }),
    h('span', { class: 'field-error', 'data-field': 'restoreFrom.backup' }),
    h('button', { type: 'submit', id: 'restore-submit' }, 'Restore into a new cluster'));
  const showRestore = (b) => {
    const f = restoreForm.elements;
    restoreForm.dataset.backup = JSON.stringify(b);
    document.getElementById('restore-title').textContent = `Restore ${b.id} (${b.release})`;
    f.region.replaceChildren(...regions.map(r => h('option', { value: r.name, selected: r.name === current?.region }, r.name)));
    f['leaves.count'].value = b.topology.leavesPerGroup;
    f['leaves.storageGB'].value = b.topology.leafStorageGB;
    restoreForm.hidden = false;
    f.name.focus();
  };
  // a password is shown once, here, from the answer that made it: the platform keeps no copy
  const showLogin = (login) => {
    newLogin.replaceChildren(h('strong', {}, `Password of ${login.user}, shown this once: `),
      h('code', { id: 'new-password' }, login.password),
      login.jdbcUrl ? h('div', {}, 'Connect: ', h('code', {}, `${login.jdbcUrl}?user=${login.user}&password=…`)) : '');
    newLogin.hidden = false;
  };
  const userAct = async (call) => {
    userError.textContent = '';
    userForm.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
    newLogin.hidden = true;
    try {
      const got = await call();
      if (got?.json?.password) showLogin(got.json);
      await refreshUsers();
    } catch (err) {
      showProblem(userForm, userError, err);
    }
  };
  const userForm = h('form', { class: 'actions', id: 'user-form', novalidate: true, onsubmit: e => {
    e.preventDefault();
    userAct(async () => {
      const got = await api('POST', `${path}/users`, { name: userForm.elements.name.value.trim() });
      userForm.elements.name.value = '';
      return got;
    });
  } }, h('div', {}, field('New user', 'name', { placeholder: 'app' }), h('button', { type: 'submit', id: 'create-user' }, 'Create user')));
  const refreshUsers = async () => {
    let json;
    try {
      ({ json } = await api('GET', `${path}/users`));
    } catch (err) {
      // a region that manages no users says so: the section says it instead of a table
      userList.replaceChildren(h('tr', {}, h('td', { colspan: 4 }, err.message)));
      return;
    }
    userList.replaceChildren(...(json.items.length ? json.items.map(u => h('tr', { 'data-user': u.user },
      h('td', {}, u.user), h('td', {}, new Date(u.created).toLocaleString()), h('td', {}, new Date(u.passwordChanged).toLocaleString()),
      h('td', {}, h('button', { class: 'rotate', onclick: () => confirm(`Give ${u.user} a new password? The old one is refused from then on.`)
        && userAct(() => api('POST', `${path}/users/${encodeURIComponent(u.user)}/password`)) }, 'New password'),
      h('button', { class: 'delete-user', onclick: () => confirm(`Delete user ${u.user}? Its logins are refused from then on.`)
        && userAct(() => api('DELETE', `${path}/users/${encodeURIComponent(u.user)}`)) }, 'Delete'))))
      : [h('tr', {}, h('td', { colspan: 4 }, 'No users made through the platform yet.'))]));
  };
  const refreshBackups = async () => {
    const { json } = await api('GET', `${path}/backups`);
    const mib = b => (b >= 1073741824 ? `${(b / 1073741824).toFixed(1)} GiB` : `${(b / 1048576).toFixed(1)} MiB`);
    const rows = b => Object.entries(b.tableRows || {}).map(([t, n]) => `${t}: ${n}`).join(', ');
    const from = t => t ? `aggregators ${t.aggregators}, leaves ${t.leavesPerGroup} per AG of ${t.leafStorageGB} GB` : '';
    backupList.replaceChildren(...(json.items.length ? json.items.slice().reverse().map(b => h('tr', { 'data-backup': b.id },
      h('td', { title: b.id }, new Date(b.createdAt).toLocaleString()), h('td', { class: `backup-${b.state}` }, b.state, b.reason ? `: ${b.reason}` : ''),
      h('td', {}, b.state === 'Succeeded' ? mib(b.sizeBytes) : ''), h('td', {}, b.finishedAt ? `${(b.durationMs / 1000).toFixed(1)} s` : ''),
      h('td', {}, b.release), h('td', {}, from(b.topology)), h('td', {}, rows(b)),
      h('td', {}, b.state === 'Succeeded' ? h('button', { class: 'restore', onclick: () => showRestore(b) }, 'Restore…') : '')))
      : [h('tr', {}, h('td', { colspan: 8 }, 'No backups yet.'))]));
  };

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← Clusters')),
    tabs(name, 'overview'),
    h('section', {}, title, progress, lastUpgrade, replication, h('h3', {}, 'Recent steps'), events, h('h3', {}, 'Connect'), connection),
    h('section', {}, h('h2', {}, 'Topology'), topology),
    h('section', {}, h('h2', {}, 'Conditions'), h('table', {}, h('thead', {}, h('tr', {},
      ['Type', 'Status', 'Reason', 'Message', 'Since'].map(t => h('th', {}, t)))), conditions)),
    h('section', {}, h('h2', {}, 'Telemetry'), telemetryNote, charts,
      h('h3', {}, 'Tables'), h('table', {}, h('thead', {}, h('tr', {},
        ['Table', 'Rows', 'On disk (every copy)'].map(t => h('th', {}, t)))), tables),
      h('h3', {}, 'Statements run most'), h('table', {}, h('thead', {}, h('tr', {},
        ['Statement', 'Runs', 'Failed', 'Fastest', 'Slowest'].map(t => h('th', {}, t)))), queries)),
    h('section', {}, h('h2', {}, 'Actions'), actions),
    h('section', {}, h('h2', {}, 'Database users'), userForm, newLogin, h('table', {}, h('thead', {}, h('tr', {},
      ['User', 'Created', 'Password changed', ''].map(t => h('th', {}, t)))), userList), userError),
    h('section', {}, h('h2', {}, 'Backups'), backupPolicy, h('table', {}, h('thead', {}, h('tr', {},
      ['Started', 'State', 'Size', 'Took', 'Release', 'Taken from', 'Rows', ''].map(t => h('th', {}, t)))), backupList),
    restoreForm, backupError));

  const regions = (await api('GET', '/regions')).json.items;
  let latestSample = null;
  const refresh = async () => {
    const got = await api('GET', path);
    etag = got.etag;
    const c = got.json;
    const first = current === null;
    current = c;
    if (first) {
      actions.elements['aggregators.count'].value = c.spec.aggregators.count;
      actions.elements['leaves.count'].value = c.spec.leaves.count;
      actions.elements['leaves.height'].value = c.spec.leaves.height;
      const r = regions.find(x => x.name === c.region);
      upgradeTo.replaceChildren(...(r ? r.releases.slice().reverse() : [c.spec.release]).map(v => h('option', { value: v, selected: v === c.spec.release }, v)));
      backupPolicy.elements['backup.schedule'].value = c.spec.backup?.schedule || '';
      backupPolicy.elements['backup.retention'].value = c.spec.backup?.retention ?? 7;
    }
    document.getElementById('phase').replaceChildren(phase(c.deleting ? 'Deleting' : c.phase));
    const conds = c.status?.conditions || [];
    const prog = conds.find(x => x.type === 'Progressing');
    progress.textContent = prog
      ? `${prog.status === 'True' ? 'In progress' : 'Idle'}: ${prog.message || prog.reason || ''}`
      : 'Waiting for the region to report.';
    connection.textContent = c.jdbcUrl || 'not yet: the cluster has no aggregator ready';
    const u = c.status?.upgrade;
    lastUpgrade.textContent = !u ? '' : `${u.finishedAt ? 'Last upgrade' : 'Upgrading'}: ${u.fromRelease} \u2192 ${u.toRelease}, `
      + `${u.strategy}${u.step ? `, step ${u.step}` : ''}`
      + `${u.writePauseSeconds != null ? `, writes paused ${u.writePauseSeconds.toFixed(2)} s` : ''}`
      + `${u.offlineSeconds != null && u.strategy === 'CoordinatedRestart' ? `, offline ${u.offlineSeconds.toFixed(1)} s` : ''}`;
    replication.textContent = replicationText(c);
    // only a replica can be promoted: the button goes once the spec no longer names a source
    document.getElementById('promote').hidden = !c.spec.replicaOf;
    conditions.replaceChildren(...conds.map(x => h('tr', {}, h('td', {}, x.type), h('td', { class: `cond-${x.status}` }, x.status),
      h('td', {}, x.reason || ''), h('td', {}, x.message || ''), h('td', {}, x.lastTransitionTime || ''))));
    renderTopology(topology, c, latestSample);
  };
  const refreshMetrics = async () => {
    const { json } = await api('GET', `${path}/metrics`);
    const items = json.items;
    latestSample = items.length ? items[items.length - 1] : null;
    telemetryNote.textContent = !latestSample ? 'No samples yet.'
      : latestSample.reachable ? `Sampled every ${json.intervalSeconds} s.` : `Last sample: ${latestSample.error}`;
    const mib = b => b == null ? '?' : `${(b / 1048576).toFixed(1)} MiB`;
    tables.replaceChildren(...(latestSample?.tables || []).map(t => h('tr', {}, h('td', {}, `${t.schema}.${t.name}`),
      h('td', {}, t.rows ?? '?'), h('td', {}, mib(t.bytes)))));
    queries.replaceChildren(...(latestSample?.topQueries || []).map(q => h('tr', {}, h('td', {}, h('code', {}, q.sql)),
      h('td', {}, q.executions), h('td', {}, q.failures), h('td', {}, `${q.minMillis} ms`), h('td', {}, `${q.maxMillis} ms`))));
    for (const c of chartDefs) {
      c.el.hidden = !!c.optional && !items.some(i => i[c.key] != null);
      drawChart(c, items);
    }
  };
  const refreshEvents = async () => {
    const { json } = await api('GET', `${path}/events?limit=8`);
    events.replaceChildren(...json.items.map(e => h('li', {}, `${new Date(e.at).toLocaleTimeString()} ${e.type}: ${e.message || e.reason || ''}`)));
  };
  const both = async () => { await refreshMetrics(); await refresh(); await refreshEvents(); await refreshBackups(); };
  await both();
  // users change only through this page's buttons (or another client): read once, and after each change
  await refreshUsers();
  poll(both);
}

/** The cluster's pages as tabs: links, so each has an address of its own and the browser's back button works. */
function tabs(name, current) {
  const base = `#/clusters/${encodeURIComponent(name)}`;
  return h('nav', { class: 'tabs', 'aria-label': `Cluster ${name}` }, [['overview', 'Overview', base], ['sql', 'SQL', `${base}/sql`]]
    .map(([id, label, href]) => h('a', { id: `tab-${id}`, href, 'aria-current': id === current ? 'page' : undefined }, label)));
}

const HISTORY = 'canopy.sqlHistory';
const HISTORY_KEPT = 30;

/** Statements run from this browser, newest first, per cluster: in localStorage, so they outlive the tab. */
function sqlHistory(cluster) {
  try {
    return (JSON.parse(localStorage.getItem(HISTORY)) || {})[cluster] || [];
  } catch {
    return [];
  }
}

/**
 * Keeps a statement in the history, unless it may hold a password (CREATE USER ... WITH PASSWORD): the browser's storage
 * is no place for one.
 */
function remember(cluster, sql) {
  if (/password/i.test(sql)) return false;
  let all;
  try { all = JSON.parse(localStorage.getItem(HISTORY)) || {}; } catch { all = {}; }
  all[cluster] = [{ sql, at: new Date().toISOString() }, ...(all[cluster] || []).filter(e => e.sql !== sql)].slice(0, HISTORY_KEPT);
  localStorage.setItem(HISTORY, JSON.stringify(all));
  return true;
}

/** The SQL editor: one statement at a time through POST /clusters/{name}/sql, its result in a table, and a history. */
async function sqlPage(name) {
  const path = `/clusters/${encodeURIComponent(name)}/sql`;
  const editor = h('textarea', { id: 'sql-editor', name: 'sql', rows: 8, spellcheck: 'false', 'aria-label': 'SQL statement',
    placeholder: 'SELECT * FROM SYS.TABLES', onkeydown: e => {
      // Ctrl+Enter (⌘+Enter) runs, as in most SQL editors
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
    } });
  const status = h('p', { id: 'sql-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', id: 'sql-error', role: 'alert' });
  const head = h('thead', {});
  const body = h('tbody', {});
  const result = h('table', { id: 'sql-result', class: 'result' }, head, body);
  const history = h('ol', { id: 'sql-history', class: 'history' });
  const run = h('button', { type: 'submit', id: 'sql-run' }, 'Run');
  const form = h('form', { id: 'sql-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const f = form.elements;
    form.querySelectorAll('.field-error').forEach(s => { s.textContent = ''; });
    error.textContent = '';
    const sql = editor.value.trim();
    const num = (n) => (f[n].value.trim() === '' ? undefined : Number(f[n].value));
    const user = f.user.value.trim();
    const request = { sql, maxRows: num('maxRows'), timeoutSeconds: num('timeoutSeconds'),
      user: user || undefined, password: user ? f.password.value : undefined };
    run.disabled = true;
    status.textContent = 'Running…';
    const started = performance.now();
    // kept whether it runs or not: a statement refused is the one most often edited and run again
    if (sql && remember(name, sql)) drawHistory();
    try {
      const { json } = await api('POST', path, request);
      showResult(json);
    } catch (err) {
      status.textContent = `Failed after ${((performance.now() - started) / 1000).toFixed(1)} s.`;
      showProblem(form, error, err);
    } finally {
      run.disabled = false;
    }
  } },
  h('label', { class: 'editor' }, 'Statement (Ctrl+Enter runs it)', editor, h('span', { class: 'field-error', 'data-field': 'sql' })),
  h('div', {}, field('Row limit', 'maxRows', { type: 'number', value: 1000, min: 1, max: 10000 }),
    field('Time limit (s)', 'timeoutSeconds', { type: 'number', value: 30, min: 1, max: 300 }),
    field('Run as user (empty: the platform\u2019s login)', 'user', { autocomplete: 'off', placeholder: 'app' }),
    field('That user\u2019s password', 'password', { type: 'password', autocomplete: 'off' }), run),
  error);

  const showResult = (json) => {
    const as = json.user ? ` as ${json.user}` : '';
    if (json.columns == null) {
      head.replaceChildren();
      body.replaceChildren();
      status.textContent = `${json.updateCount} row${json.updateCount === 1 ? '' : 's'} changed in ${json.elapsedMillis} ms${as}.`;
      return;
    }
    head.replaceChildren(h('tr', {}, json.columns.map(c => h('th', { scope: 'col', title: c.type }, c.name))));
    body.replaceChildren(...json.rows.map(r => h('tr', {}, r.map(v => v === null ? h('td', { class: 'null' }, 'NULL') : h('td', {}, String(v))))));
    status.textContent = `${json.rowCount} row${json.rowCount === 1 ? '' : 's'}${json.truncated
      ? ` shown: the result has more, cut at the row limit` : ''} in ${json.elapsedMillis} ms${as}.`;
  };
  const drawHistory = () => {
    const items = sqlHistory(name);
    history.replaceChildren(...(items.length ? items.map(e => h('li', {}, h('button', { type: 'button', class: 'history-item',
      title: `Run at ${new Date(e.at).toLocaleString()}; click to edit`, onclick: () => { editor.value = e.sql; editor.focus(); } },
      h('code', {}, e.sql)))) : [h('li', { class: 'empty' }, 'Nothing run from this browser yet.')]));
  };

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← Clusters')),
    tabs(name, 'sql'),
    h('section', {}, h('h2', {}, `${name}: SQL`), h('p', { class: 'hint' },
      'One statement at a time, on the cluster\u2019s aggregators over its TLS. A viewer key may not run statements. ',
      'A user\u2019s password is sent with each run and kept nowhere.'), form),
    h('section', {}, h('h2', {}, 'Result'), status, h('div', { class: 'scroll' }, result)),
    h('section', {}, h('h2', {}, 'History'), h('p', { class: 'hint' },
      'Kept in this browser only (statements naming a password are not kept).'), history));
  drawHistory();
  editor.focus();
}

function renderTopology(el, c, sample) {
  const engineNodes = sample?.nodes || [];
  const nodeRows = (filter) => engineNodes.filter(filter).map(n => h('li', {}, `${n.consistentId || n.id}: up, CPU ${(n.cpuLoad * 100).toFixed(0)}%, heap ${(n.heapUsedBytes / 1048576).toFixed(0)} MiB`));
  const ags = ['ag1', 'ag2'].map(ag => h('div', { class: 'ag', 'data-ag': ag }, h('h4', {}, `Leaves in ${ag}`),
    h('p', {}, `${c.spec.leaves.count} wanted, height ${c.spec.leaves.height}, ${c.spec.leaves.storageGB} GB each`),
    h('ul', {}, nodeRows(n => !n.client && (n.consistentId || '').includes(ag)))));
  const otherLeaves = nodeRows(n => !n.client && !['ag1', 'ag2'].some(ag => (n.consistentId || '').includes(ag)));
  el.replaceChildren(...[
    h('p', { id: 'node-counts' }, `Aggregators: ${counts(c.status?.aggregators, c.spec.aggregators.count)} · Leaves: ${counts(c.status?.leaves, c.spec.leaves.count * 2)}`),
    h('div', { class: 'ag' }, h('h4', {}, 'Aggregators'), h('p', {}, `${c.spec.aggregators.count} wanted, height ${c.spec.aggregators.height}`),
      h('ul', {}, nodeRows(n => n.client))),
    ...ags, otherLeaves.length ? h('div', { class: 'ag' }, h('h4', {}, 'Leaves'), h('ul', {}, otherLeaves)) : null,
    sample && !sample.reachable ? h('p', { class: 'error' }, 'Node states from the engine are unknown: ', sample.error) : null]
    .filter(Boolean));
}

/** A line of the series over the history kept, scaled to its own range. */
function drawChart(chart, items) {
  const points = items.filter(s => typeof s[chart.key] === 'number').map(s => [Date.parse(s.at), s[chart.key]]);
  const W = 300, H = 120;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  let axis = 'no data yet';
  if (points.length) {
    const t0 = points[0][0], t1 = Math.max(points[points.length - 1][0], t0 + 1);
    const max = Math.max(...points.map(p => p[1]), 1e-9);
    // the scale a bare line leaves out: bottom is 0, top is the window's highest value, left is the window's start
    axis = `0 to ${chart.format(max)} over the last ${Math.max(1, Math.round((t1 - t0) / 60000))} min`;
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', points.map(([t, v]) => `${((t - t0) / (t1 - t0) * W).toFixed(1)},${(H - 4 - v / max * (H - 8)).toFixed(1)}`).join(' '));
    svg.append(line);
  }
  const last = points.length ? chart.format(points[points.length - 1][1]) : '—';
  chart.el.setAttribute('data-points', points.length);
  chart.el.replaceChildren(h('div', {}, chart.label, h('span', { class: 'value' }, last)), svg,
    h('div', { class: 'axis' }, axis));
}

function poll(fn) {
  let timer = null;
  let stopped = false;
  const loop = async () => {
    try { await fn(); } catch (err) { console.error('refresh failed', err); }
    if (!stopped) timer = setTimeout(loop, POLL_MS);
  };
  timer = setTimeout(loop, POLL_MS);
  stopPolling = () => { stopped = true; clearTimeout(timer); };
}

async function route() {
  stopPolling();
  const signedIn = !!sessionStorage.getItem(KEY);
  document.getElementById('sign-out').hidden = !signedIn;
  if (!signedIn) { signIn(); return; }
  const sql = location.hash.match(/^#\/clusters\/([^/]+)\/sql$/);
  const m = location.hash.match(/^#\/clusters\/([^/]+)$/);
  try {
    if (sql) await sqlPage(decodeURIComponent(sql[1]));
    else if (m) await clusterPage(decodeURIComponent(m[1])); else await clusterList();
  } catch (err) {
    main.replaceChildren(h('section', {}, h('p', { class: 'error' }, err.message), h('a', { href: '#/' }, 'Back to the clusters')));
  }
}

document.getElementById('sign-out').addEventListener('click', () => { sessionStorage.removeItem(KEY); location.hash = '#/'; route(); });
window.addEventListener('hashchange', route);
route();
