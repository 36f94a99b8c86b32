// The API reference: Swagger UI (served from our own static files) drawing /api/v1/schema/.
// A file of its own, not an inline script, so the page keeps the site's strict CSP.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  // Swagger UI draws its operations in a <main> of its own: the page already has one, and two
  // main landmarks confuse screen readers, so it becomes a named region of ours.
  function demoteMain() {
    var inner = root.querySelector("main");
    if (inner && inner.getAttribute("role") !== "region") {
      inner.setAttribute("role", "region");
      inner.setAttribute("aria-label", "Operations");
    }
  }
  new MutationObserver(demoteMain).observe(root, { childList: true, subtree: true });
  SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: false,
    onComplete: demoteMain,
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET") {
        request.headers["X-CSRFToken"] = csrfToken();
      }
      return request;
    },
  });
})();
