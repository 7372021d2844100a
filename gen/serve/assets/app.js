// jindu serve: the page's script. Plain JavaScript, no framework, no build step. Text from
// the project is only ever set as text (textContent), never as markup.
'use strict';

const token = document.querySelector('meta[name="jindu-token"]').content;
const $ = (id) => document.getElementById(id);
let period = null;   // the period shown (canonical: 2023Q2)
let nextPeriod = null;
let docs = [];
let previewDoc = null, previewPage = 1;

// An element with text (never markup) and children.
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

async function getJSON(url) {
  const r = await fetch(url, { credentials: 'same-origin' });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}

async function post(url, body) {
  const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'X-Jindu-Token': token }, body });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}

const stateClass = {
  '已完成': 's-done', '序时推进': 's-ok', '正常推进': 's-ok', '滞后': 's-late', '未启动': 's-notstarted',
  '未报送': 's-missing', '已报送': 's-done', '部分报送': 's-partial', '有错误': 's-error',
};
const chip = (text) => el('span', { class: 'chip ' + (stateClass[text] || ''), text });

function showError(text) {
  $('error').hidden = !text;
  $('error').textContent = text || '';
}

// ---- the overview ----------------------------------------------------------------------

async function loadState() {
  try {
    const s = await getJSON('/api/state' + (period ? '?period=' + encodeURIComponent(period) : ''));
    renderState(s);
  } catch (e) {
    showError('读取项目失败：' + e.message);
  }
}

function cards(box, counts, labelOf) {
  box.replaceChildren(...Object.entries(counts).map(([k, n]) =>
    el('div', { class: 'card ' + (stateClass[k] || '') }, el('b', { text: String(n) }), el('span', { text: labelOf(k) }))));
}

function renderState(s) {
  document.title = (s.title || '督查工作台') + ' · 进度';
  $('title').textContent = s.title || s.project;
  renderBuildState(s.build);
  if (s.error) {
    showError(s.error);
    return;
  }
  showError(null);
  period = s.period;
  nextPeriod = s.next_period;
  const select = $('period');
  select.replaceChildren(...s.periods.map((p) =>
    el('option', { value: p.id, text: p.name + (p.next ? '（下一期）' : '') })));
  select.value = s.period;
  $('period-name').textContent = s.period_name + ' · ' + s.tasks + ' 项任务 · ' + s.units.length + ' 个责任单位';
  $('forms-folder').textContent = (s.forms_folder || '（未设置）') + '/' + s.period + '/';
  cards($('unit-counts'), s.unit_counts, (k) => '单位' + k);
  cards($('task-counts'), s.task_counts, (k) => '任务' + k);

  const states = Object.keys(s.task_counts).filter((k) => k !== '未报送');
  const units = $('units');
  units.replaceChildren(el('tr', {}, el('th', { text: '责任单位' }), el('th', { text: '状态' }),
    el('th', { class: 'num', text: '任务' }), el('th', { class: 'num', text: '已报' }), el('th', { text: '进展' }),
    el('th', { text: '本期的表' })));
  // the units to chase first: errors, nothing reported, some reported; then the others
  const rank = { '有错误': 0, '未报送': 1, '部分报送': 2 };
  const ordered = s.units.map((u, i) => [u, i]).sort((a, b) => ((rank[a[0].status] ?? 3) - (rank[b[0].status] ?? 3)) || a[1] - b[1]).map((x) => x[0]);
  for (const u of ordered) {
    const progress = el('td');
    for (const st of states) if (u.states[st]) progress.append(chip(st), ' ' + u.states[st] + ' ');
    units.append(el('tr', {}, el('td', { text: u.name }), el('td', {}, chip(u.status)),
      el('td', { class: 'num', text: String(u.tasks) }), el('td', { class: 'num', text: String(u.reported) }),
      progress, el('td', { class: 'hint', text: u.files.join('、') })));
  }
  const leaders = $('leaders');
  const all = Object.keys(s.leaders.length ? s.leaders[0].states : {});
  leaders.replaceChildren(el('tr', {}, el('th', { text: '区领导' }), el('th', { class: 'num', text: '任务' }),
    ...all.map((k) => el('th', { class: 'num', text: k }))));
  for (const l of s.leaders)
    leaders.append(el('tr', {}, el('td', { text: l.name }), el('td', { class: 'num', text: String(l.tasks) }),
      ...all.map((k) => el('td', { class: 'num' + (l.states[k] && (k === '滞后' || k === '未启动') ? ' warn-text' : ''), text: String(l.states[k] || 0) }))));
  const problems = $('problems');
  problems.replaceChildren();
  if (s.problems.length) {
    problems.append(el('h3', { text: '以下文件有错误，未计入本期（改正后自动重新读取）' }));
    for (const p of s.problems)
      problems.append(el('div', { class: 'result bad' }, el('h4', { text: p.file }),
        el('div', { class: 'messages', text: p.messages.join('\n') })));
  }
  $('next-name').textContent = (s.periods.find((p) => p.next) || {}).name || '';
  $('blank-xlsx').href = '/api/blank-forms.zip?format=xlsx&period=' + encodeURIComponent(nextPeriod || period);
  $('blank-csv').href = '/api/blank-forms.zip?format=csv&period=' + encodeURIComponent(nextPeriod || period);
}

// ---- forms in ----------------------------------------------------------------------------

async function upload(files) {
  if (!files.length) return;
  const body = new FormData();
  for (const f of files) body.append('file', f, f.name);
  const box = $('results');
  box.prepend(el('p', { class: 'hint', id: 'uploading', text: '正在检查 ' + files.length + ' 份表…' }));
  try {
    const r = await post('/api/forms?period=' + encodeURIComponent(period), body);
    $('uploading')?.remove();
    for (const f of r.files.slice().reverse()) box.prepend(renderResult(f));
    loadState();
  } catch (e) {
    $('uploading')?.remove();
    box.prepend(el('div', { class: 'result bad' }, el('h4', { text: '上传失败' }), el('p', { text: e.message })));
  }
}

function renderResult(f) {
  const ok = f.ok;
  let summary;
  if (f.saved) summary = '已保存：' + f.unit + '，' + f.reports + ' 项任务的进展 → ' + f.path + (f.previous ? '（之前的表保留为 ' + f.previous + '）' : '');
  else if (f.unchanged) summary = '与已保存的表相同，无需改动：' + f.path;
  else summary = '未保存：有 ' + f.errors.length + ' 处错误，请改正后重新上传';
  const box = el('div', { class: 'result' + (ok ? '' : ' bad') }, el('h4', { text: (ok ? '✔ ' : '✘ ') + f.name }), el('p', { text: summary }));
  const general = [...f.errors, ...f.warnings].filter((p) => p.row === undefined);
  if (general.length)
    box.append(el('ul', {}, ...general.map((p) => el('li', { class: p.severity === 'error' ? '' : 'warn-text', text: (p.cell ? p.cell + '：' : '') + p.message }))));
  if (f.rows) box.append(renderForm(f));
  return box;
}

// The rows of a form with problems, the header row above them, each bad cell marked and its
// message under its row.
function renderForm(f) {
  const problems = [...f.errors, ...f.warnings].filter((p) => p.row !== undefined);
  if (!problems.length) return null;
  const byRow = new Map();
  for (const p of problems) {
    if (!byRow.has(p.row)) byRow.set(p.row, []);
    byRow.get(p.row).push(p);
  }
  const header = f.rows.findIndex((r) => r.cells.includes('序号') && (r.cells.includes('责任单位') || r.cells.includes('进展状态')));
  const width = Math.max(...f.rows.map((r) => r.cells.length));
  const letters = (i) => { let s = ''; for (i++; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + (i - 1) % 26) + s; return s; };
  const table = el('table', {}, el('tr', {}, el('th', { text: '' }), ...Array.from({ length: width }, (_, i) => el('th', { text: letters(i) }))));
  const shown = [...new Set([header, ...byRow.keys()].filter((r) => r >= 0))].sort((a, b) => a - b);
  let last = -1;
  for (const r of shown) {
    if (last >= 0 && r > last + 1) table.append(el('tr', { class: 'skip' }, el('td', { colspan: String(width + 1), text: '⋯' })));
    last = r;
    const row = f.rows[r];
    const marks = byRow.get(r) || [];
    const tr = el('tr', {}, el('th', { text: String(row.n) }));
    for (let i = 0; i < width; i++) {
      const m = marks.filter((p) => p.field === i);
      const cls = m.some((p) => p.severity === 'error') ? 'bad' : m.length ? 'warn' : '';
      tr.append(el('td', { class: cls, title: m.map((p) => p.message).join('\n'), text: row.cells[i] || '' }));
    }
    table.append(tr);
    for (const p of marks)
      table.append(el('tr', { class: 'message' }, el('td', {}),
        el('td', { colspan: String(width), class: p.severity === 'error' ? '' : 'warn-text', text: '↑ ' + p.cell + '：' + p.message })));
  }
  return el('div', { class: 'form' }, table);
}

// ---- build -------------------------------------------------------------------------------

function renderBuildState(b) {
  const button = $('build-button');
  button.disabled = b.running;
  if (b.running) {
    $('build-status').textContent = '正在生成…';
    if (b.progress) showProgress(b.progress);
  } else if (b.last) {
    renderBuildResult(b.last);
  }
}

function showProgress(p) {
  const bar = $('build-progress');
  bar.hidden = false;
  bar.max = p.total || 1;
  bar.value = p.done;
  $('build-status').textContent = '正在生成… ' + p.done + '/' + p.total + ' ' + (p.built ? '已生成 ' : '未变 ') + p.path;
}

function pathList(title, paths) {
  if (!paths || !paths.length) return null;
  return el('details', {}, el('summary', { text: title + '（' + paths.length + '）' }), el('div', { class: 'messages', text: paths.join('\n') }));
}

function renderBuildResult(r) {
  $('build-button').disabled = false;
  $('build-progress').hidden = true;
  const n = (a) => (a ? a.length : 0);
  const box = $('build-result');
  box.replaceChildren();
  const status = r.ok ? '完成' : '有问题';
  $('build-status').textContent = status + (r.finished ? '（' + r.finished + '）' : '') + '：重新生成 ' + n(r.built) + ' 份，未变 ' + n(r.unchanged) + ' 份，失败 ' + n(r.failed) + ' 份' +
    (r.removed && r.removed.length ? '，删除不再生成的 ' + r.removed.length + ' 份' : '') + (r.seconds !== undefined ? '，用时 ' + r.seconds.toFixed(2) + ' 秒' : '');
  const errors = (r.messages || []).filter((m) => m.severity === 'error');
  const warnings = (r.messages || []).filter((m) => m.severity !== 'error');
  if (errors.length) box.append(el('details', { open: '' }, el('summary', { text: '错误（' + errors.length + '）' }), el('div', { class: 'messages', text: errors.map((m) => m.text).join('\n') })));
  if (r.failed && r.failed.length)
    box.append(el('div', { class: 'error', text: '失败的文档（保留原来的文件）：\n' + r.failed.map((p, i) => p + '：' + ((r.failed_reasons || [])[i] || '')).join('\n') }));
  box.append(...[pathList('重新生成', r.built), pathList('未变', r.unchanged), pathList('已删除（项目不再生成）', r.removed)].filter(Boolean));
  if (warnings.length) box.append(el('details', {}, el('summary', { text: '提示（' + warnings.length + '）' }), el('div', { class: 'messages', text: warnings.map((m) => m.text).join('\n') })));
}

async function build() {
  $('build-button').disabled = true;
  $('build-status').textContent = '正在生成…';
  try {
    await post('/api/build', null);
  } catch (e) {
    $('build-button').disabled = false;
    $('build-status').textContent = '无法开始：' + e.message;
  }
}

// ---- documents -----------------------------------------------------------------------------

const groupNames = { '': '主要文档' };

async function loadDocs() {
  try {
    docs = (await getJSON('/api/docs')).docs;
  } catch (e) {
    docs = [];
  }
  const table = $('doc-list');
  table.replaceChildren(el('tr', {}, el('th', { text: '文档' }), el('th', { class: 'num', text: '页数' }), el('th', { text: '生成时间' }), el('th', { text: '' })));
  if (!docs.length) table.append(el('tr', {}, el('td', { colspan: '4', class: 'hint', text: '还没有生成文档：点“生成文档”。' })));
  let group = null;
  for (const d of docs) {
    if (d.group !== group) {
      group = d.group;
      table.append(el('tr', { class: 'group' }, el('td', { colspan: '4', text: (groupNames[group] || group) + '（' + docs.filter((x) => x.group === group).length + '）' })));
    }
    table.append(el('tr', { 'data-id': d.id }, el('td', { text: d.name }), el('td', { class: 'num', text: String(d.pages) }), el('td', { class: 'hint', text: d.built }),
      el('td', {}, el('a', { href: '#', onclick: (e) => { e.preventDefault(); preview(d, 1); }, text: '预览' }), ' ',
        el('a', { href: '/api/docs/' + d.id + '.pdf', text: '下载 PDF' }))));
  }
  if (previewDoc && !docs.some((d) => d.id === previewDoc.id)) $('preview').hidden = true;
}

async function preview(d, page) {
  previewDoc = d;
  previewPage = page;
  $('preview').hidden = false;
  $('preview-name').textContent = d.path;
  $('preview-page').textContent = '第 ' + page + ' 页 / 共 ' + d.pages + ' 页（绘制中…）';
  $('preview-prev').disabled = page <= 1;
  $('preview-next').disabled = page >= d.pages;
  $('preview-note').textContent = '';
  const r = await fetch('/api/docs/' + d.id + '/' + page + '.png', { credentials: 'same-origin' });
  if (previewDoc !== d || previewPage !== page) return;
  if (!r.ok) {
    $('preview-page').textContent = '第 ' + page + ' 页';
    $('preview-note').textContent = (await r.json()).error;
    return;
  }
  const img = $('preview-img');
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(await r.blob());
  $('preview-page').textContent = '第 ' + page + ' 页 / 共 ' + d.pages + ' 页';
  if (r.headers.get('X-Jindu-Current') === '0') $('preview-note').textContent = '数据已改动：预览按现在的数据绘制，与已生成的 PDF 不同，请重新生成。';
}

// ---- live updates ------------------------------------------------------------------------------

function listen() {
  const es = new EventSource('/api/events');
  es.onopen = () => { $('live').textContent = '已连接'; $('live').classList.remove('off'); };
  es.onerror = () => { $('live').textContent = '连接中断，正在重连…'; $('live').classList.add('off'); };
  es.addEventListener('changed', () => loadState());
  es.addEventListener('docs', () => loadDocs());
  es.addEventListener('build', (e) => {
    const ev = JSON.parse(e.data);
    if (ev.event === 'started') { $('build-button').disabled = true; $('build-status').textContent = '正在生成…'; }
    else if (ev.event === 'progress') showProgress(ev);
    else if (ev.event === 'done') { renderBuildResult(ev.result); loadDocs(); loadState(); }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('period').addEventListener('change', (e) => { period = e.target.value; loadState(); });
  $('files').addEventListener('change', (e) => { upload([...e.target.files]); e.target.value = ''; });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); upload([...e.dataTransfer.files]); });
  $('build-button').addEventListener('click', build);
  $('preview-prev').addEventListener('click', () => preview(previewDoc, previewPage - 1));
  $('preview-next').addEventListener('click', () => preview(previewDoc, previewPage + 1));
  $('preview-close').addEventListener('click', () => { $('preview').hidden = true; previewDoc = null; });
  loadState();
  loadDocs();
  listen();
});
