// Keyboard shortcuts of the review queue (listed on the page): j / k next and previous flag,
// e edit the value in question, r resolve, d dismiss, Esc leaves a field. Keys typed into a field
// are left alone.
(function () {
  'use strict';
  function typing(target) {
    var tag = target && target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (target && target.isContentEditable);
  }
  function go(id) {
    var a = document.getElementById(id);
    if (a && a.href) window.location.assign(a.href);
  }
  function focus(selector) {
    var el = document.querySelector(selector);
    if (!el) return;
    el.focus();
    if (el.select) el.select();
    el.scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && typing(e.target)) {
      e.target.blur();
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    switch (e.key) {
      case 'j':
        go('next-flag');
        break;
      case 'k':
        go('prev-flag');
        break;
      case 'e':
        focus('#correct-form input[data-edit]');
        break;
      case 'r':
        focus('#resolve-note');
        break;
      case 'd':
        focus('#dismiss-note');
        break;
      default:
        return;
    }
    e.preventDefault();
  });
})();
