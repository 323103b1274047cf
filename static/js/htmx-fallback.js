// The CDN copy of htmx did not load (offline, blocked, or failed SRI): use ours.
// A parser-blocking write keeps htmx loaded before app.js, as the CDN script would be;
// its address (content-hashed) is on this script's data-htmx.
if (!window.htmx) {
  document.write('<script src="' + document.currentScript.dataset.htmx + '"><\/script>');
}
