// Live regions of the check-in screen and the attendance board (Features/Activities/CheckInScreenPage.razor,
// AttendanceBoardPage.razor). The pages are static server-rendered; an element marked
//   <div id="…" data-live data-live-every="10" data-live-next="37">
// is re-fetched from the page's own address (same cookie, so the same authorisation and scope as the page) every
// data-live-every seconds, and data-live-next + 1 seconds from now when that is sooner (the QR token's window ends
// then, so the screen shows the next token within a second of the rotation, well inside the grace period).
// The server renders the region, QR code included, so there is one rendering path and no QR library in the browser.
//
// Why not <meta http-equiv="refresh">: it reloads the whole page (a flash on a projector every few seconds), and with
// Blazor's enhanced navigation a refresh inserted into <head> keeps firing after the user has navigated elsewhere.
// Why a 1-second scan: enhanced navigation does not run page scripts, so this file (loaded once per document from
// <head>) looks for live regions itself; a region that leaves the document stops its timer.
(() => {
  if (window.xsLive) return;
  const seen = new WeakSet();

  const delayOf = (el) => {
    const every = Number(el.dataset.liveEvery) || 10;
    const next = el.dataset.liveNext === undefined ? NaN : Number(el.dataset.liveNext);
    return Math.max(1, Number.isFinite(next) ? Math.min(every, next + 1) : every) * 1000;
  };

  async function refresh(el) {
    if (!el.isConnected) return;
    try {
      const res = await fetch(el.dataset.liveSrc || location.href, { credentials: 'same-origin', cache: 'no-store', redirect: 'error' });
      if (!res.ok) throw new Error(String(res.status));
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById(el.id);
      if (!fresh) throw new Error('region missing');
      if (el.isConnected) el.replaceWith(document.importNode(fresh, true));
      scan();
    } catch {
      // Offline, signed out (a redirect) or the server restarting: keep what is shown, say it may be stale, retry soon.
      if (!el.isConnected) return;
      el.setAttribute('data-live-stale', '');
      setTimeout(() => refresh(el), 5000);
    }
  }

  function scan() {
    document.querySelectorAll('[data-live][id]').forEach((el) => {
      if (seen.has(el)) return;
      seen.add(el);
      setTimeout(() => refresh(el), delayOf(el));
    });
  }

  window.xsLive = { scan };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan); else scan();
  setInterval(scan, 1000);
})();
