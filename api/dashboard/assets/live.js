// Keeps a claim page current while its documents are read: the server renders the live parts
// again and each replaces the old one by id, in place (no reload). Polls every 1.5 s while
// something is pending, then every 15 s; waits while the tab is hidden.
(function () {
  'use strict';
  var top = document.getElementById('live-top');
  if (!top) return;
  var url = top.getAttribute('data-live-url');
  var timer = null;
  var last = '';

  function pending() {
    var el = document.getElementById('live-top');
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
        if (html !== last) {
          last = html;
          var tpl = document.createElement('template');
          tpl.innerHTML = html;
          tpl.content.querySelectorAll('[data-live]').forEach(function (fresh) {
            var old = document.getElementById(fresh.id);
            if (old && old.innerHTML !== fresh.innerHTML) old.replaceWith(fresh);
          });
          document.dispatchEvent(new CustomEvent('claimproof:refreshed'));
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
