// Text filter for long member selects (research team forms: Features/Research/ResearchNewPage.razor and the 调整调研组 form on
// ResearchDetailPage.razor; the reading group forms, whose member list is checkboxes), loaded through <page-script>. An <input data-filter-selects="leader author members"> narrows the
// options of the selects with those ids to those whose text contains what is typed (case-insensitive; name, sector, committee —
// whatever the option shows). Selected options and the empty choice stay visible, so a filter never hides a choice already made.
// Without script the selects work as before; the server checks every id.
const bound = new WeakSet();

function bind(input) {
  if (bound.has(input)) return;
  bound.add(input);
  const selects = (input.dataset.filterSelects || '').split(/\s+/).map(id => document.getElementById(id)).filter(Boolean);
  const update = () => {
    const q = input.value.trim().toLowerCase();
    for (const select of selects) {
      if (select.tagName !== 'SELECT') {
        // A list of checkboxes (reading groups: Features/Reading/ReadingMemberChecks.razor): the same rule per [data-filter-item] row.
        for (const item of select.querySelectorAll('[data-filter-item]'))
          item.hidden = q.length > 0 && !item.querySelector('input')?.checked && !item.textContent.toLowerCase().includes(q);
        continue;
      }
      for (const option of select.options)
        option.hidden = q.length > 0 && option.value !== '' && !option.selected && !option.text.toLowerCase().includes(q);
    }
  };
  input.addEventListener('input', update);
  update();
}

export function onUpdate() {
  document.querySelectorAll('input[data-filter-selects]').forEach(bind);
}
