/**
 * The only script content pages carry (≈ 1 KB): results under a search box as the visitor types.
 * Without JavaScript the same forms go to `/search?q=`, rendered by the server.
 *
 * The live results are the server's own `/search` page (fetched, its list read), so ranking,
 * excerpts and spelling tolerance are the page's, never a second engine's, and nothing else is
 * fetched (Pagefind's first search took ~90 KB, 21 s at 56 kbps; a server answer is ~8 KB). Only
 * where no server answers (a build served as static files: 404, or 503 without an index) does it
 * load Pagefind through `/pagefind/rapport-live.js` (features/search/pagefind-live.js), and not on
 * a connection that asks to save data or is 2G-class. Each result is [status line, count, items].
 *
 * It asks the form's own results page (`/fr/search` on a French page), and says its few words in
 * the page's language: the form's `data-search` holds them (`SearchBox.astro`, from the catalogue).
 */
export const SEARCH_SCRIPT = `(()=>{let srv=1,pf;const c=navigator.connection,slow=!!c&&(c.saveData||/2g/.test(c.effectiveType||''));
const esc=t=>String(t).replace(/[&<>"']/g,c=>'&#'+c.charCodeAt(0)+';');
for(const f of document.querySelectorAll('form[data-search]')){const w=f.dataset.search.split('|'),i=f.querySelector('input[name=q]'),o=f.querySelector('.search-live'),s=f.querySelector('input[name=section]')?.value,page=f.closest('main')&&document.querySelector('[data-search-results]');let n=0,t;
const show=h=>{o.innerHTML=h;o.hidden=!h;if(page)page.hidden=!!h};
i.addEventListener('keydown',e=>{if(e.key==='Escape')show('')});
i.addEventListener('input',()=>{clearTimeout(t);const q=i.value.trim(),k=++n,u=f.getAttribute('action')+'?q='+encodeURIComponent(q)+(s?'&section='+encodeURIComponent(s):'');if(q.length<2)return show('');
t=setTimeout(async()=>{let r;try{if(srv){const a=await fetch(u);if(a.ok){const b=new DOMParser().parseFromString(await a.text(),'text/html').querySelector('[data-search-results]'),l=[...b.querySelectorAll('.results>li')];r=[b.querySelector('[role=status]').textContent,l.length,l.slice(0,8).map(x=>x.outerHTML)]}else if(a.status==404||a.status==503)srv=0}}catch{}
try{if(!r&&!slow&&k===n)r=await(await(pf??=import('/pagefind/rapport-live.js'))).search(q,s,w.slice(1))}catch{}
if(!r||k!==n)return;show('<p class="small">'+esc(r[0])+'</p>'+(r[2].length?'<ol>'+r[2].join('')+'</ol>':'')+(r[1]>8?'<p><a href="'+esc(u)+'">'+esc(w[0])+'</a></p>':''))},150)})}})();`;
