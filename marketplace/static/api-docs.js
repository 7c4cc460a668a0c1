// Starts Swagger UI on /docs (kept in a file: the content security policy allows no inline script).
window.addEventListener("load", function () {
  window.SwaggerUIBundle({
    url: document.body.dataset.spec,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
  });
});
