// Live character counter of the opinion item form (Features/Opinions/OpinionEditPage.razor), loaded through
// <page-script>. A <textarea data-count-max="1500" data-count-target="id"> shows "已输入 n / 1500 字" in the element
// with that id, turning red past the limit. Characters are counted as the server counts them (OpinionText.Length):
// Unicode code points after line breaks are normalised, so 𠮷 counts once. The server enforces the limit.
const bound = new WeakSet();

function count(text) {
  return [...text.replace(/\r\n?/g, '\n').trim()].length;
}

function bind(area) {
  if (bound.has(area)) return;
  bound.add(area);
  const max = Number(area.dataset.countMax);
  const target = document.getElementById(area.dataset.countTarget);
  if (!target || !max) return;
  const template = target.dataset.template || '已输入 {0} / {1} 字';
  const update = () => {
    const n = count(area.value);
    target.textContent = template.replace('{0}', n.toLocaleString()).replace('{1}', max.toLocaleString());
    target.classList.toggle('text-danger', n > max);
    target.classList.toggle('fw-semibold', n > max);
    area.setCustomValidity(n > max ? target.textContent : '');
  };
  area.addEventListener('input', update);
  update();
}

export function onUpdate() {
  document.querySelectorAll('textarea[data-count-max]').forEach(bind);
}
