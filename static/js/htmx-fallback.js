// The CDN copy of htmx did not load (offline, blocked, or failed SRI): use ours.
// A parser-blocking write keeps htmx loaded before app.js, as the CDN script would be.
if (!window.htmx) {
  document.write('<script src="/static/js/htmx.min.js"><\/script>');
}
