// The terminal lock (issue 12): after the idle time of the session with no new page, the console
// leaves this page for the lock screen, which ends the session; the server locks it at the same
// time on its own. location.replace keeps the last page out of the history.
(function () {
  var seconds = parseInt(document.body.getAttribute('data-idle-seconds') || '0', 10);
  if (seconds > 0) {
    setTimeout(function () { location.replace('/console/lock'); }, seconds * 1000);
  }
})();
