// Keyboard navigation for working through the queue (progressive enhancement: everything works without it).
// Queue: j / k select the next / previous flag, o or Enter opens it. Event page: j / k open the next /
// previous flagged event. Keys typed into a form field are left alone.
(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-event]'));
  var at = -1;
  function select(i) {
    if (at >= 0) rows[at].classList.remove('current');
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows[at].classList.add('current');
    var link = rows[at].querySelector('a');
    if (link) link.focus();
  }
  function follow(rel) {
    var link = document.querySelector('a[data-key="' + rel + '"]');
    if (link) window.location.href = link.getAttribute('href');
  }
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey || (t && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(t.tagName))) return;
    if (rows.length === 0) {
      if (e.key === 'j') follow('next');
      else if (e.key === 'k') follow('prev');
      return;
    }
    if (e.key === 'j') { select(at + 1); e.preventDefault(); }
    else if (e.key === 'k') { select(at - 1); e.preventDefault(); }
    else if ((e.key === 'o' || e.key === 'Enter') && at >= 0) { window.location.href = rows[at].getAttribute('data-href'); }
  });
})();
