// Live character counter of the participation page's new-statement box (Features/Deliberations/DeliberationPage.razor),
// loaded through <page-script> (see Xieshang.Web.lib.module.js). A <textarea data-dlb-max="140" data-dlb-count="id">
// shows "n / 140 字" (the element's data-template) in the element with that id, red past the limit. Characters are
// counted as the server counts them (DeliberationRules.Length: text elements, so 杨𬱖 is 2) with Intl.Segmenter, or code
// points where it is missing. The server enforces the limit; the box's maxlength (280 UTF-16 units) is only a backstop.
const bound = new WeakSet();
const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

function count(text) {
  const t = text.trim();
  if (!segmenter) return [...t].length;
  let n = 0;
  for (const _ of segmenter.segment(t)) n++;
  return n;
}

function bind(area) {
  if (bound.has(area)) return;
  bound.add(area);
  const max = Number(area.dataset.dlbMax);
  const target = document.getElementById(area.dataset.dlbCount);
  if (!target || !max) return;
  const template = target.dataset.template || '{0} / {1}';
  const update = () => {
    const n = count(area.value);
    target.textContent = template.replace('{0}', n).replace('{1}', max);
    target.classList.toggle('text-danger', n > max);
    target.classList.toggle('fw-semibold', n > max);
  };
  area.addEventListener('input', update);
  update();
}

export function onUpdate() {
  document.querySelectorAll('textarea[data-dlb-max]').forEach(bind);
}
