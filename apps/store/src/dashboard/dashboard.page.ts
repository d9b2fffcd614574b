/**
 * The dashboard's HTML shell and stylesheet. Static text with no data in it: the client script
 * (client/app.mts) fills `<main>` from the JSON API, as text.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>newsflow</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/app.css">
<script type="module" src="/ui/app.mjs"></script>
</head>
<body>
<a class="skip" id="skip" href="#main">Skip to content</a>
<header class="site">
  <p class="brand"><a href="#/">newsflow</a> <span class="muted">deduplicated news events</span></p>
  <form id="filters" role="search" aria-label="Search events">
    <label>Search <input type="search" name="q" maxlength="500" placeholder="words or &quot;a phrase&quot;" autocomplete="off"></label>
    <label>Outlet <input name="source" list="sources" maxlength="512" autocomplete="off"></label>
    <datalist id="sources"></datalist>
    <label>From <input type="date" name="since"></label>
    <label>To <input type="date" name="until"></label>
    <button type="submit">Search</button>
    <button type="reset">Clear</button>
  </form>
</header>
<main id="main" tabindex="-1" aria-busy="true">
  <h1>Events</h1>
  <p class="muted">Loading…</p>
  <noscript><p>The dashboard needs JavaScript. The JSON API is at <a href="/events">/events</a> and described at <a href="/docs">/docs</a>.</p></noscript>
</main>
<p id="status" class="visually-hidden" role="status" aria-live="polite"></p>
<footer class="site muted">
  <p>Keys: <kbd>/</kbd> search, <kbd>j</kbd>/<kbd>k</kbd> next/previous event, <kbd>Enter</kbd> open. New events appear as they are processed. API: <a href="/docs">/docs</a></p>
</footer>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root{--fg:#1a1a1a;--muted:#595959;--bg:#fff;--panel:#f5f5f2;--line:#d6d6d0;--accent:#0b5cad;--mark:#c2410c;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--muted:#a8a8a8;--bg:#161616;--panel:#222;--line:#3a3a3a;--accent:#7ab7ff;--mark:#fb923c}}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.muted{color:var(--muted)}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.skip{position:absolute;left:.5rem;top:-3rem;background:var(--bg);padding:.5rem;z-index:1}
.skip:focus{top:.5rem}
header.site{border-bottom:1px solid var(--line);padding:.75rem 1rem;background:var(--panel)}
.brand{margin:0 0 .5rem;font-weight:600}
.brand a{text-decoration:none;font-size:1.2rem}
.brand .muted{font-weight:400;margin-left:.5rem}
#filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}
#filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
input,button{font:inherit;color:inherit}
input{padding:.3rem .4rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);min-width:9rem}
input[type=search]{min-width:16rem}
button{padding:.35rem .9rem;border:1px solid var(--accent);border-radius:4px;background:var(--bg);cursor:pointer}
button[type=submit]{background:var(--accent);color:var(--bg)}
main{padding:1rem;max-width:80rem;margin:0 auto}
main:focus{outline:none}
h1{font-size:1.5rem;margin:.25rem 0 .5rem}
h1:focus{outline:none}
.summary{color:var(--muted);margin-top:0}
ol.events{list-style:none;padding:0;margin:0}
ol.events>li{border-bottom:1px solid var(--line)}
ol.events>li.fresh{border-left:4px solid var(--mark);padding-left:.5rem}
.card h2{font-size:1.1rem;margin:.75rem 0 .25rem}
.meta{margin:.25rem 0;color:var(--muted);font-size:.9rem}
.badge{margin-left:.5rem;padding:0 .4rem;border-radius:3px;background:var(--mark);color:var(--bg);font-size:.75rem;font-weight:600;text-transform:uppercase}
ul.outlets{list-style:none;padding:0;margin:.25rem 0 .75rem;display:flex;flex-wrap:wrap;gap:.35rem}
ul.outlets li{background:var(--panel);border:1px solid var(--line);border-radius:999px;padding:0 .6rem;font-size:.85rem}
.more{margin:1rem 0}
nav{margin-bottom:.5rem}
.event>header{margin-bottom:1rem}
h2{font-size:1.15rem;margin:1.25rem 0 .5rem}
.timeline{margin:0;padding:.75rem 1rem;background:var(--panel);border:1px solid var(--line);border-radius:6px}
.timeline ol.rows{list-style:none;margin:0;padding:0}
.timeline .row{display:grid;grid-template-columns:12rem 1fr;align-items:center;gap:1rem;min-height:1.75rem}
.timeline .outlet{font-size:.9rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.track{position:relative;list-style:none;margin:0 .5rem;padding:0;height:2px;background:var(--line)}
.mark{position:absolute;top:-6px;width:14px;height:14px;margin-left:-7px;border-radius:50%;background:var(--mark);border:2px solid var(--mark)}
.mark.duplicate{background:var(--panel)}
.timeline figcaption{margin-top:.5rem;font-size:.85rem}
.columns{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(18rem,1fr);gap:1rem;overflow-x:auto;padding-bottom:.5rem}
.column{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;background:var(--bg)}
.column header .outlet,.single .outlet{margin:0;font-size:.8rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;color:var(--mark)}
.column h3{font-size:1.05rem;margin:.25rem 0}
.byline{margin:.25rem 0 .75rem;color:var(--muted);font-size:.9rem}
.text p{margin:0 0 .75rem;white-space:pre-wrap;overflow-wrap:anywhere}
details summary{cursor:pointer;color:var(--accent);margin-bottom:.5rem}
.duplicates{border-top:1px dashed var(--line);margin-top:.75rem;padding-top:.5rem;font-size:.9rem}
.duplicates h3,.duplicates h4{font-size:.9rem;margin:0 0 .25rem}
.duplicates ul{margin:0;padding-left:1.1rem}
.single{max-width:46rem}
.single .text{font-size:1.05rem}
.notice{background:var(--panel);border-left:4px solid var(--mark);padding:.4rem .75rem}
footer.site{padding:1rem;border-top:1px solid var(--line);font-size:.85rem}
kbd{border:1px solid var(--line);border-radius:3px;padding:0 .3rem;font-size:.8rem}
@media (max-width:40rem){.timeline .row{grid-template-columns:7rem 1fr}input[type=search]{min-width:0;width:100%}}
`;
