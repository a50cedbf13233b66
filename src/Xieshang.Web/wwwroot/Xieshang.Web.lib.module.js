// Blazor JS initializer (blazor.web.js loads it on every page). Static SSR pages that need a script of their own
// render <page-script src="js/x.js"> instead of a <script> tag: a <script> in page content does not run when
// the page is reached by enhanced navigation. The element imports the module once, calls its onLoad() and
// onUpdate() when the element enters the document, onUpdate() again after each enhanced navigation
// ('enhancedload') while it stays, and onDispose() when it has left. (The pattern of the ASP.NET Core docs,
// "JavaScript location in static server rendering".)

const scripts = new Map(); // src -> { count, module }

function register(src) {
  if (!src) return;
  const known = scripts.get(src);
  if (known) { known.count++; return; }
  const entry = { count: 1, module: null };
  scripts.set(src, entry);
  import(new URL(src, document.baseURI).toString()).then(module => {
    if (entry.count <= 0) return;
    entry.module = module;
    module.onLoad?.();
    module.onUpdate?.();
  }).catch(e => console.error(e));
}

function unregister(src) {
  const entry = src && scripts.get(src);
  if (entry) entry.count--;
}

function onEnhancedLoad() {
  for (const [src, entry] of scripts) {
    if (entry.count <= 0) {
      entry.module?.onDispose?.();
      scripts.delete(src);
    }
  }
  for (const entry of scripts.values()) entry.module?.onUpdate?.();
}

// Small page behaviours declared with data attributes, since the Content-Security-Policy allows no inline event
// handlers (onclick="…"). One listener each on the document, so they also work on content that enhanced
// navigation or a live-region refresh brings in.
//   data-select-on-focus                      an input selects its text when focused
//   data-copy-from="ID"                       a button copies input #ID to the clipboard and shows its data-done text
//   data-set-selects="CSS" data-set-value="V" a button sets every matching <select> of its form to V (the button
//                                             still submits without JavaScript, and the server does the same)
function installDataBehaviours() {
  document.addEventListener('focusin', e => {
    if (e.target instanceof HTMLInputElement && e.target.hasAttribute('data-select-on-focus')) e.target.select();
  });
  document.addEventListener('click', e => {
    const copy = e.target instanceof Element && e.target.closest('[data-copy-from]');
    if (copy) {
      const input = document.getElementById(copy.dataset.copyFrom);
      if (!input) return;
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(() => { if (copy.dataset.done) copy.textContent = copy.dataset.done; });
      return;
    }
    const setter = e.target instanceof Element && e.target.closest('[data-set-selects]');
    if (setter && setter.form) {
      e.preventDefault();
      setter.form.querySelectorAll(setter.dataset.setSelects).forEach(s => { s.value = setter.dataset.setValue; });
    }
  });
}

export function afterWebStarted(blazor) {
  installDataBehaviours();
  customElements.define('page-script', class extends HTMLElement {
    static observedAttributes = ['src'];
    attributeChangedCallback(name, oldValue, newValue) {
      if (name !== 'src') return;
      this.src = newValue;
      unregister(oldValue);
      register(newValue);
    }
    disconnectedCallback() {
      unregister(this.src);
    }
  });
  blazor.addEventListener('enhancedload', onEnhancedLoad);
}
