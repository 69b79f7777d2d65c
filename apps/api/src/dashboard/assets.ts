/** The dashboard's stylesheet and its one script, served from memory (no build step). */
export const dashboardCss = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f5f7f9}
a{color:#0b5cad}
header.top{display:flex;align-items:center;gap:20px;padding:10px 20px;background:#16324f;color:#fff}
header.top a{color:#dbe7f3;text-decoration:none}header.top a[aria-current]{color:#fff;font-weight:600;border-bottom:2px solid #8cc4ff}
header.top nav{display:flex;gap:16px;flex:1}.brand{font-weight:700;font-size:16px;color:#fff!important}
.signout{display:flex;gap:8px;align-items:center;font-size:13px;color:#dbe7f3}
main{padding:16px 20px;max-width:1400px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:22px 0 8px}
table.grid{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d5dbe1}
table.grid th,table.grid td{padding:6px 8px;border-bottom:1px solid #e3e8ed;text-align:left;vertical-align:top}
table.grid th{background:#eef2f5;font-weight:600;font-size:13px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;margin:1px 2px 1px 0}
.badge.good{background:#dcf3e3;color:#17603a}.badge.bad{background:#fde2e1;color:#9b1c1c}
.badge.info{background:#e0ecfb;color:#1c4f8f}.badge.wait{background:#eceff2;color:#4a5560}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-bottom:12px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#4a5560}
input,select,button{font:inherit;padding:4px 8px;border:1px solid #b8c2cc;border-radius:4px;background:#fff}
button{cursor:pointer;background:#0b5cad;color:#fff;border-color:#0b5cad}
button.secondary{background:#fff;color:#0b5cad}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;background:#fff;padding:12px;border:1px solid #d5dbe1}
dl.facts dt{color:#5b6670}dl.facts dd{margin:0;word-break:break-all}
ol.timeline{list-style:none;margin:0;padding:0 0 0 18px;border-left:3px solid #c7d3de}
ol.timeline li{position:relative;margin:0 0 12px;padding:6px 10px;background:#fff;border:1px solid #d5dbe1;border-radius:4px}
ol.timeline li::before{content:"";position:absolute;left:-27px;top:10px;width:12px;height:12px;border-radius:50%;background:#7d8c99;border:2px solid #f5f7f9}
ol.timeline li.good::before{background:#2f9e5b}ol.timeline li.bad::before{background:#d13b3b}ol.timeline li.info::before{background:#2f6fbf}
.event-type{font-weight:600}.event-at{color:#5b6670;font-size:12px;margin-left:8px}
.detail{margin:4px 0 0;font-size:13px;color:#36414b}.detail dt{font-weight:600;display:inline}.detail dd{display:inline;margin:0 10px 0 4px}
iframe.document{width:100%;height:640px;border:1px solid #d5dbe1;background:#fff}
object.pdf{width:100%;height:640px;border:1px solid #d5dbe1}
img.preview{max-width:100%;max-height:640px;border:1px solid #d5dbe1;background:#fff}
.warn{color:#9b1c1c;font-weight:600}.muted{color:#5b6670}
.login{max-width:360px;margin:60px auto;background:#fff;padding:24px;border:1px solid #d5dbe1;border-radius:6px}
.login label{display:block;margin:10px 0 4px}.login input{width:100%}.login button{margin-top:16px;width:100%}
.error{background:#fde2e1;color:#9b1c1c;padding:8px;border-radius:4px}
.notice{background:#dcf3e3;color:#17603a;padding:8px;border-radius:4px;margin-bottom:10px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:20px}@media (max-width:900px){.cols{grid-template-columns:1fr}}
pre{white-space:pre-wrap;background:#fff;border:1px solid #d5dbe1;padding:8px}
`;

/**
 * Live status: every few seconds, read the page again and swap in each element marked `data-live` (same id).
 * The page is whole without it; the server's markup is already escaped, and it is parsed inert (DOMParser).
 */
export const liveJs = `
(function () {
  var busy = false;
  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(location.href, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (!text) return;
        var next = new DOMParser().parseFromString(text, "text/html");
        document.querySelectorAll("[data-live][id]").forEach(function (element) {
          var fresh = next.getElementById(element.id);
          if (fresh && fresh.innerHTML !== element.innerHTML) element.innerHTML = fresh.innerHTML;
        });
      })
      .catch(function () {})
      .finally(function () { busy = false; });
  }
  setInterval(refresh, 5000);
})();
`;
