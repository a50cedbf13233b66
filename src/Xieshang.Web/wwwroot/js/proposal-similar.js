// Similar proposals while writing (/proposals/new, /proposals/{id}/edit; Features/Proposals/ProposalEditPage.razor).
// The page renders the panel #similar-panel from the server (so it works without script); this module refreshes its
// list #similar-list as the title and body change: a debounced GET /api/proposals/similar?text=&top= with the sign-in
// cookie, scoped on the server to what the account may see. Loaded as a module by the page's <page-script> element
// (see Xieshang.Web.lib.module.js): onUpdate runs when the page appears and after every enhanced navigation.

const DELAY = 600;        // ms after the last keystroke
const MAX_TEXT = 600;     // characters sent: the request line must stay short (Chinese is 9 bytes a character, encoded)
let timer = null;
let controller = null;
let lastText = null;

function panel() { return document.getElementById('similar-panel'); }

function textOf() {
  const title = document.getElementById('title')?.value ?? '';
  const body = document.getElementById('body')?.value ?? '';
  return (title + '\n' + body).trim().slice(0, MAX_TEXT);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

const stateClass = s => ({
  'draft': 'text-bg-light border', 'co-signing': 'text-bg-info', 'submitted': 'text-bg-warning', 'under-review': 'text-bg-warning',
  'filed': 'text-bg-primary', 'assigned': 'xs-badge-handling', 'handling': 'xs-badge-handling', 'rehandling': 'text-bg-danger',
  'replied': 'text-bg-success', 'rated': 'text-bg-success', 'closed': 'text-bg-secondary', 'returned': 'text-bg-warning',
}[s] ?? 'text-bg-light border text-secondary');

function render(p, items) {
  const list = document.getElementById('similar-list');
  if (!list) return;
  const states = JSON.parse(p.dataset.states || '{}');
  const exclude = p.dataset.exclude;
  const shown = items.filter(i => String(i.id) !== exclude).slice(0, 5);
  list.replaceChildren();
  const count = document.getElementById('similar-count');
  if (count) {
    count.hidden = shown.length === 0;
    count.textContent = (count.dataset.template || '{0}').replace('{0}', String(shown.length));
  }
  if (shown.length === 0) {
    list.append(el('p', 'text-secondary mb-0', p.dataset.empty));
    return;
  }
  const ol = el('ol', 'list-unstyled mb-0 xs-similar-list');
  for (const s of shown) {
    const li = el('li');
    const a = el('a', null, s.title);
    a.href = '/proposals/' + s.id;
    a.target = '_blank';
    a.rel = 'noopener';
    a.dataset.enhanceNav = 'false';
    li.append(a);
    const meta = el('div', 'd-flex flex-wrap gap-1 align-items-center mt-1');
    meta.append(el('span', 'badge ' + stateClass(s.status), states[s.status] ?? s.status));
    meta.append(el('span', 'text-secondary', p.dataset.score + ' ' + Math.round(s.score * 100) + '%'));
    li.append(meta);
    if (s.replyExcerpt) {
      const reply = el('div', 'text-secondary mt-1');
      reply.append(el('span', 'fw-semibold', p.dataset.reply), document.createTextNode(s.replyExcerpt));
      li.append(reply);
    }
    ol.append(li);
  }
  list.append(ol);
}

async function refresh() {
  const p = panel();
  if (!p) return;
  const text = textOf();
  if (text === lastText) return;
  lastText = text;
  if (!text) return;
  controller?.abort();
  controller = new AbortController();
  try {
    const res = await fetch('/api/proposals/similar?top=6&text=' + encodeURIComponent(text),
      { credentials: 'same-origin', headers: { accept: 'application/json' }, signal: controller.signal });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    render(p, await res.json());
    p.dataset.updated = String(Date.now()); // for tests and the curious: when the list last came from the server
  } catch (e) {
    if (e.name === 'AbortError') return;
    const list = document.getElementById('similar-list');
    if (list) list.replaceChildren(el('p', 'text-secondary mb-0', p.dataset.error));
  }
}

function onInput() {
  clearTimeout(timer);
  timer = setTimeout(refresh, DELAY);
}

export function onUpdate() {
  // Enhanced navigation may replace the inputs: bind whatever is there now, once each.
  for (const id of ['title', 'body']) {
    const input = document.getElementById(id);
    if (input && panel() && !input.dataset.similarBound) {
      input.dataset.similarBound = '1';
      input.addEventListener('input', onInput);
    }
  }
  lastText = textOf(); // the server rendered the list for the current text
}

export function onDispose() {
  clearTimeout(timer);
  controller?.abort();
  lastText = null;
}
