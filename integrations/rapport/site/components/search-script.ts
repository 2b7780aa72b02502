/**
 * The only script content pages carry (≈ 1 KB): nothing of search is fetched until a search box
 * is focused; then Pagefind's module loads and each keystroke shows results from its chunks.
 * Without JavaScript the same forms go to `/search?q=`, rendered by the server.
 */
export const SEARCH_SCRIPT = `(()=>{let pf;const load=()=>pf??=import('/pagefind/pagefind.js').then(async m=>{await m.options({excerptLength:24});m.init();return m});
const esc=t=>String(t).replace(/[&<>"']/g,c=>'&#'+c.charCodeAt(0)+';');
for(const f of document.querySelectorAll('form[data-search]')){const i=f.querySelector('input[name=q]'),o=f.querySelector('.search-live'),s=f.querySelector('input[name=section]')?.value,page=document.querySelector('[data-search-results]');let n=0;
const show=h=>{o.innerHTML=h;o.hidden=!h;if(page&&f.closest('main'))page.hidden=!!h};
i.addEventListener('focus',()=>{load().catch(()=>{})},{once:true});
i.addEventListener('keydown',e=>{if(e.key==='Escape')show('')});
i.addEventListener('input',async()=>{const q=i.value.trim(),k=++n;if(q.length<2)return show('');
try{const m=await load(),r=await m.debouncedSearch(q,s?{filters:{section:s}}:{},150);if(!r||k!==n)return;
const d=await Promise.all(r.results.slice(0,8).map(x=>x.data()));if(k!==n)return;const all='/search?q='+encodeURIComponent(q)+(s?'&section='+encodeURIComponent(s):'');
show('<p class="small">'+(r.results.length?r.results.length+' result'+(r.results.length>1?'s':''):'Nothing found yet: press Enter to search with spelling tolerance')+'</p>'+(d.length?'<ol>'+d.map(x=>'<li><a href="'+esc(x.url)+'">'+esc(x.meta.title)+'</a><p>'+x.excerpt+'</p></li>').join('')+'</ol>':'')+(r.results.length>8?'<p><a href="'+all+'">All results</a></p>':''))}catch{}})}})();`;
