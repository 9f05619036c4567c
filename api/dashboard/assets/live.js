// Keeps a claim page current while its documents are read: the server renders the live part
// again and it replaces the old one in place (no reload). Polls every 1.5 s while something is
// pending, then every 15 s; stops while the tab is hidden.
(function () {
  'use strict';
  var live = document.getElementById('live');
  if (!live) return;
  var url = live.getAttribute('data-live-url');
  var timer = null;
  var last = live.innerHTML;

  function pending() {
    var el = document.getElementById('live');
    return el && el.getAttribute('data-pending') === 'true';
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(refresh, ms);
  }

  function refresh() {
    if (document.hidden) return schedule(3000);
    fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.status === 401 || res.redirected) throw new Error('signed out');
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var tpl = document.createElement('template');
        tpl.innerHTML = html;
        var fresh = tpl.content.getElementById('live');
        var el = document.getElementById('live');
        if (fresh && el && fresh.innerHTML !== last) {
          last = fresh.innerHTML;
          el.replaceWith(fresh);
        }
        schedule(pending() ? 1500 : 15000);
      })
      .catch(function () {
        schedule(10000);
      });
  }

  // The upload script asks for a refresh as soon as files are stored.
  document.addEventListener('claimproof:uploaded', function () {
    schedule(300);
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) schedule(200);
  });
  schedule(pending() ? 1500 : 15000);
})();
