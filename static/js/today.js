// The today page on the screen in the hall asks for itself again every minute and swaps in the
// new content, without reloading: if the network drops, the last good page stays up (a reload
// would show the browser's error page on the tablet) and the footer says when it last updated.
// If the link was revoked, the refusal's message replaces the page.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(main.getAttribute("data-refresh"), 10) || 60;

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var next = fresh.getElementById("main");
    if (!next) { return; }
    main.innerHTML = next.innerHTML;
    document.title = fresh.title;
  }

  function stale() {
    var note = document.getElementById("today-stale");
    if (note) { note.hidden = false; }
  }

  function refresh() {
    fetch(window.location.href, { cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.ok || response.status === 404 || response.status === 410) {
          return response.text().then(swap);
        }
        stale();
      })
      .catch(stale)
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }

  window.setTimeout(refresh, seconds * 1000);
})();
