// vestnik's interface: the state lives in the URL (so a view can be bookmarked and shared),
// every text from the archive is inserted as text, never as HTML. Russian by default,
// English with `lang=en` in the URL.
"use strict";

const LISTS = ["source", "person", "org", "loc"];
const KINDS = ["person", "org", "loc"];
const LABEL = { person: "PER", org: "ORG", loc: "LOC" };
// Values a facet shows before "show more", and values asked of the server per facet.
const SHOWN = 8;
const FACET_SIZE = 30;
const $ = (id) => document.getElementById(id);

// Russian plurals take three forms (1 статья, 2 статьи, 5 статей), English two.
const RU = {
  query: "Запрос", order: "Порядок", countBy: "Как считать", byRelevance: "по релевантности",
  newestFirst: "сначала новые", countArticles: "считать статьи", countGroups: "считать выпуски",
  onePerRelease: "одна находка на выпуск", search: "Найти", syntax: "Синтаксис", filters: "Фильтры",
  facets: "Фасеты", overTime: "Статьи по времени", otherLang: "English",
  articles: ["статья", "статьи", "статей"], releases: ["выпуск", "выпуска", "выпусков"],
  kind: { source: "источник", person: "человек", org: "организация", loc: "место" },
  not: "не ", remove: "убрать", exclude: "исключить", date: "дата",
  titles: { source: "Источники", person: "Люди", org: "Организации", loc: "Места" },
  noDate: "без даты", noDateTitle: "статьи, дата которых неизвестна",
  inferred: "(выведено)", inferredTitle: "выведено из текста или имени файла, а не указано в файле",
  alsoIn: "также в: ", otherFiles: "других файлах", versions: ["другая версия", "другие версии", "других версий"],
  prev: "← назад", next: "вперёд →", close: "закрыть",
  ambiguous: (m, names) => " — «" + m + "» может означать нескольких: " + names + "; выберите одного",
  noEntity: { person: "человека", org: "организации", loc: "места" },
  unknown: (k, m) => " — в архиве нет " + RU.noEntity[k] + " с именем " + m,
  noSource: (m) => " — в архиве нет источника " + m,
  excludedUnknown: (m) => " — исключение «" + m + "» ничего не исключает: в архиве нет такого имени",
  exportCsv: "Выгрузить CSV", exportJsonl: "Выгрузить JSONL с текстами",
  more: (n) => "ещё " + n, less: "свернуть", filterIn: (t) => "искать: " + t.toLowerCase(),
  nothing: "Ничего не найдено. Слова ищутся в любой форме; проверьте написание, уберите часть слов или фильтров.",
  clearFilters: "убрать все фильтры", legend: "Цвета:", source: "Источник", openUrl: "открыть оригинал",
  otherVersions: "Другие версии: ", profile: "Профиль", forms: "Как писали: ", searchArticles: "искать статьи",
  namedWith: "Упоминаются вместе", sources: "Источники", overTimeShort: "По времени",
  kindTitle: { person: "человек", org: "организация", loc: "место" },
  filterBy: (n) => "фильтровать по " + n, openProfile: (n) => "профиль: " + n,
};
const EN = {
  query: "Query", order: "Order", countBy: "Count by", byRelevance: "by relevance",
  newestFirst: "newest first", countArticles: "count articles", countGroups: "count releases",
  onePerRelease: "one hit per release", search: "Search", syntax: "Syntax", filters: "Filters",
  facets: "Facets", overTime: "Articles over time", otherLang: "Русский",
  articles: ["article", "articles"], releases: ["release", "releases"],
  kind: { source: "source", person: "person", org: "organization", loc: "place" },
  not: "not ", remove: "remove", exclude: "exclude", date: "date",
  titles: { source: "Sources", person: "People", org: "Organizations", loc: "Places" },
  noDate: "no date", noDateTitle: "articles whose date is not known",
  inferred: "(inferred)", inferredTitle: "inferred from the text or the file name, not stated by the file",
  alsoIn: "also in: ", otherFiles: "other files", versions: ["other version", "other versions"],
  prev: "← previous", next: "next →", close: "close",
  ambiguous: (m, names) => " — " + m + " could be any of several: " + names + "; name one of them",
  unknown: (k, m) => " — no " + EN.kind[k] + " named " + m + " in this archive",
  noSource: (m) => " — no source named " + m + " in this archive",
  excludedUnknown: (m) => " — excluding " + m + " excludes nothing: the archive knows no such name",
  exportCsv: "Export CSV", exportJsonl: "Export JSONL with texts",
  more: (n) => n + " more", less: "fewer", filterIn: (t) => "find in " + t.toLowerCase(),
  nothing: "Nothing found. Words match in any form; check the spelling, or drop some words or filters.",
  clearFilters: "remove every filter", legend: "Colours:", source: "Source", openUrl: "open the original",
  otherVersions: "Other versions: ", profile: "Profile", forms: "Written as: ", searchArticles: "search its articles",
  namedWith: "Named with it", sources: "Sources", overTimeShort: "Over time",
  kindTitle: { person: "person", org: "organization", loc: "place" },
  filterBy: (n) => "filter by " + n, openProfile: (n) => "profile: " + n,
};

let lang = "ru";
let T = RU;
const locale = () => (lang === "en" ? "en-GB" : "ru-RU");
const num = (n) => new Intl.NumberFormat(locale()).format(n);
function plural(n, forms) {
  if (lang === "en") return n === 1 ? forms[0] : forms[1];
  return forms[{ one: 0, few: 1, many: 2, other: 1 }[new Intl.PluralRules("ru").select(n)]];
}
const count = (n, forms) => num(n) + " " + plural(n, forms);
// Dates as YYYY-MM-DD, YYYY-MM or YYYY, shown in the interface's language.
function showDate(value) {
  if (!value) return "";
  const [y, m, d] = value.split("-").map(Number);
  const at = new Date(Date.UTC(y, (m || 1) - 1, d || 1));
  const opts = d ? { day: "numeric", month: "long", year: "numeric" } : m ? { month: "short", year: "numeric" } : { year: "numeric" };
  return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: "UTC" }).format(at);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    else if (k === "class") e.className = v;
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function readState() {
  const p = new URLSearchParams(location.search);
  const s = { q: p.get("q") || "", sort: p.get("sort") || "relevance", group: p.get("group") !== "false",
    count: p.get("count") === "groups" ? "groups" : "articles",
    from: p.get("from") || "", to: p.get("to") || "", undated: p.get("undated") === "1", offset: Number(p.get("offset")) || 0,
    doc: p.get("doc") || "", related: p.get("related") || "", lang: p.get("lang") === "en" ? "en" : "ru" };
  for (const k of LISTS) { s[k] = p.getAll(k); s["x" + k] = p.getAll("x" + k); }
  return s;
}

// A name as a quoted query value.
const quoted = (v) => '"' + v.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';

// The query the server is asked: the typed one and the exclusions, which the query language
// states as `-source:"X"` and `-person:"X"`.
function effectiveQuery(s) {
  const not = LISTS.flatMap((k) => s["x" + k].map((v) => "-" + k + ":" + quoted(v)));
  const q = s.q.trim();
  if (!not.length) return q;
  return (q && q !== "*" ? "(" + q + ") " : "* ") + not.join(" ");
}

// The search's parameters as the API takes them.
function toParams(s, extra) {
  const p = new URLSearchParams();
  const q = effectiveQuery(s);
  if (q) p.set("q", q);
  for (const k of LISTS) for (const v of s[k]) p.append(k, v);
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  if (s.undated) p.set("undated", "1");
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

// The page's own address for a state.
function pageUrl(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const k of LISTS) { for (const v of s[k]) p.append(k, v); for (const v of s["x" + k]) p.append("x" + k, v); }
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  if (s.undated) p.set("undated", "1");
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (!s.group) p.set("group", "false");
  if (s.count === "groups") p.set("count", "groups");
  if (s.offset) p.set("offset", s.offset);
  if (s.doc) p.set("doc", s.doc);
  if (s.related) p.set("related", s.related);
  if (s.lang === "en") p.set("lang", "en");
  return "?" + p.toString();
}

function go(change) {
  const s = Object.assign(readState(), change);
  history.pushState(null, "", pageUrl(s));
  render();
}

async function api(path, params) {
  const r = await fetch(path + "?" + params.toString());
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function periodRange(value) {
  if (value.length === 4) return [value + "-01-01", value + "-12-31"];
  if (value.length === 10) return [value, value];
  const [y, m] = value.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [value + "-01", value + "-" + String(last).padStart(2, "0")];
}

// Days for a range of two months or less, months otherwise; many months fold into years.
// The server fills the empty periods (one definition, `fill_gaps`); years summed from every
// month are every year.
function timelineBy(s) {
  if (s.from && s.to && (new Date(s.to) - new Date(s.from)) <= 62 * 864e5) return "day";
  return "month";
}
function foldYears(periods) {
  if (periods.length <= 48 || periods[0].value.length !== 7) return periods;
  const years = [];
  for (const p of periods) {
    const y = p.value.slice(0, 4);
    if (years.length && years[years.length - 1].value === y) years[years.length - 1].count += p.count;
    else years.push({ value: y, count: p.count });
  }
  return years;
}

function applyLanguage(s) {
  lang = s.lang;
  T = lang === "en" ? EN : RU;
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = T[e.dataset.i18n];
  for (const e of document.querySelectorAll("[data-i18n-label]")) e.setAttribute("aria-label", T[e.dataset.i18nLabel]);
  for (const e of document.querySelectorAll("#help [data-lang]")) e.hidden = e.dataset.lang !== lang;
  const other = lang === "en" ? "ru" : "en";
  const link = $("lang");
  link.textContent = T.otherLang;
  link.href = pageUrl(Object.assign({}, s, { lang: other }));
  link.setAttribute("hreflang", other);
  link.setAttribute("lang", other);
}

let generation = 0;

async function render() {
  const s = readState();
  const mine = ++generation;
  applyLanguage(s);
  $("q").value = s.q;
  $("sort").value = s.sort;
  $("count").value = s.count;
  $("group").checked = s.group;
  renderChips(s);
  renderExport(s);
  const params = toParams(s, { limit: 10, offset: s.offset, sort: s.sort, group: s.group,
    facet: "source,person,org,loc", facet_size: FACET_SIZE, count: s.count });
  const side = !!(s.doc || s.related);
  $("main").classList.toggle("with-side", side);
  $("side").hidden = !side;
  try {
    const [r, t, notes] = await Promise.all([
      api("/api/search", params),
      api("/api/timeline", toParams(s, { by: timelineBy(s) })),
      excludedSourcesUnknown(s),
    ]);
    if (mine !== generation) return;
    renderFacets(r.facets, s);
    renderHistogram(t);
    $("summary").dataset.total = r.total;
    const parts = [count(r.total, T.articles)];
    if (r.groups !== null && r.groups !== undefined) parts.push(" · " + count(r.groups, T.releases));
    // A relaxed answer says so: these articles hold most of the words, not every one.
    if (r.relaxed) {
      notes.push(el("span", { class: "note", "data-relaxed": r.relaxation.required }, lang === "en"
        ? " — no article has every word; showing articles with most of them (at least " + r.relaxation.required + " of " + r.relaxation.words + ")"
        : " — ни в одной статье нет всех слов; показаны статьи с большинством из них (не меньше " + r.relaxation.required + " из " + r.relaxation.words + ")"));
    }
    if ((r.suggestions || []).length) {
      notes.push(el("span", { class: "note", "data-suggestions": "" }, (lang === "en" ? " — did you mean " : " — возможно, вы имели в виду ") + r.suggestions.join(", ") + "?"));
    }
    $("summary").replaceChildren(...parts, ...unresolved(r.filters, s), ...notes);
    renderHits(r.hits, s);
    renderPager(s, r.total, r.hits.length);
  } catch (e) {
    if (mine !== generation) return;
    $("summary").replaceChildren(el("span", { class: "error" }, e.message));
    $("results").replaceChildren();
  }
  await Promise.all([renderDoc(s), renderRelated(s)]);
}

// What the filters say about themselves: a name nobody in the archive has, one that means
// several people, dates no article can have, an exclusion that excludes nothing.
function unresolved(filters, s) {
  const out = [];
  const norm = (v) => v.trim().toLowerCase();
  for (const k of KINDS) {
    const excluded = s["x" + k].map(norm);
    for (const m of filters[k] || []) {
      if (m.entities.length) continue;
      if (m.in === "query" && excluded.includes(norm(m.name))) {
        out.push(el("span", { class: "error", "data-unresolved": "x" + k }, T.excludedUnknown(m.name)));
      } else if ((m.ambiguous || []).length) {
        out.push(el("span", { class: "error", "data-unresolved": k }, T.ambiguous(m.name, m.ambiguous.map((e) => e.name).join(", "))));
      } else {
        out.push(el("span", { class: "error", "data-unresolved": k }, T.unknown(k, m.name)));
      }
    }
  }
  if (filters.source.length && filters.source.every((x) => !x.known)) {
    out.push(el("span", { class: "error", "data-unresolved": "source" }, T.noSource(filters.source.map((x) => x.name).join(" / "))));
  }
  if (!filters.dates_possible) {
    out.push(el("span", { class: "error", "data-unresolved": "dates" }, " — " + filters.date_conflict));
  }
  return out;
}

// An excluded source the archive does not have excludes nothing; the query language does not
// report it, so each is looked up as a filter of its own.
async function excludedSourcesUnknown(s) {
  const answers = await Promise.all(s.xsource.map((v) =>
    api("/api/facets", new URLSearchParams({ source: v, facet: "none" })).then((r) => [v, r.filters.source.every((x) => x.known)])));
  return answers.filter(([, known]) => !known).map(([v]) => el("span", { class: "error", "data-unresolved": "xsource" }, T.excludedUnknown(v)));
}

function chip(label, remove, extra) {
  return el("span", Object.assign({ class: "chip" }, extra || {}), el("span", { class: "label" }, label),
    el("button", { type: "button", "aria-label": T.remove, title: T.remove, on: { click: remove } }, "×"));
}

function renderChips(s) {
  const chips = [];
  for (const k of LISTS) {
    for (const v of s[k]) chips.push(chip(T.kind[k] + ": " + v, () => go({ [k]: s[k].filter((x) => x !== v), offset: 0 })));
    for (const v of s["x" + k]) chips.push(chip(T.not + T.kind[k] + ": " + v,
      () => go({ ["x" + k]: s["x" + k].filter((x) => x !== v), offset: 0 }), { class: "chip excluded", "data-excluded": k }));
  }
  if (s.from || s.to) {
    chips.push(chip(T.date + ": " + (showDate(s.from) || "…") + " – " + (showDate(s.to) || "…"),
      () => go({ from: "", to: "", offset: 0 }), { id: "date-chip" }));
  }
  if (s.undated) chips.push(chip(T.noDate, () => go({ undated: false, offset: 0 }), { id: "undated-chip" }));
  $("chips").replaceChildren(...chips);
}

// Links that download the whole result set, not just the page.
function renderExport(s) {
  const link = (format, label) => {
    const p = toParams(s, { sort: s.sort, group: s.group, format });
    return el("a", { href: "/api/export?" + p.toString(), download: "vestnik." + format, "data-export": format }, label);
  };
  $("export").replaceChildren(link("csv", T.exportCsv), link("jsonl", T.exportJsonl));
}

// Facets whose lists are open past the first values, kept while the page lives.
const expanded = new Set();

function renderFacets(f, s) {
  const section = (key, counts) => {
    const picked = new Set(s[key]);
    const excluded = new Set(s["x" + key]);
    if (counts.length === 0 && !picked.size) return null;
    const rows = counts.map((c) => el("div", { class: "facet-row", "data-value": c.value },
      el("button", { class: "facet" + (picked.has(c.value) ? " selected" : "") + (excluded.has(c.value) ? " excluded" : ""),
        type: "button", "aria-pressed": String(picked.has(c.value)),
        on: { click: () => {
          const now = readState();
          if (now[key].includes(c.value)) go({ [key]: now[key].filter((x) => x !== c.value), offset: 0 });
          else go({ [key]: [...now[key], c.value], ["x" + key]: now["x" + key].filter((x) => x !== c.value), offset: 0 });
        } } },
      el("span", {}, c.value), el("span", { class: "n" }, num(c.count))),
      el("button", { class: "exclude", type: "button", "data-exclude": c.value, title: T.exclude + ": " + c.value, "aria-label": T.exclude + ": " + c.value,
        on: { click: () => {
          const now = readState();
          if (!now["x" + key].includes(c.value)) go({ ["x" + key]: [...now["x" + key], c.value], [key]: now[key].filter((x) => x !== c.value), offset: 0 });
        } } }, "−")));
    const box = el("section", { "data-facet": key }, el("h3", {}, T.titles[key]));
    const more = counts.length > SHOWN ? el("button", { type: "button", class: "more" }) : null;
    const filter = counts.length > SHOWN ? el("input", { type: "search", class: "facet-filter", placeholder: T.filterIn(T.titles[key]), "aria-label": T.filterIn(T.titles[key]) }) : null;
    const show = () => {
      const needle = filter ? filter.value.trim().toLowerCase() : "";
      const open = expanded.has(key) || needle;
      rows.forEach((row, i) => { row.hidden = needle ? !row.dataset.value.toLowerCase().includes(needle) : !open && i >= SHOWN; });
      if (more) { more.hidden = !!needle; more.textContent = expanded.has(key) ? T.less : T.more(counts.length - SHOWN); }
    };
    if (more) more.addEventListener("click", () => { if (expanded.has(key)) expanded.delete(key); else expanded.add(key); show(); });
    if (filter) filter.addEventListener("input", show);
    box.append(...[filter, ...rows, more].filter(Boolean));
    show();
    return box;
  };
  $("facets").replaceChildren(...LISTS.map((k) => section(k, f[k] || [])).filter(Boolean));
}

// A row of bars, one per period, empty ones included: `data-period` and `data-count` on each,
// a count on hover, and a click or a drag that selects periods.
function bars(periods, height, onPick, tip) {
  const max = Math.max(1, ...periods.map((d) => d.count));
  let start = null;
  const list = periods.map((d, i) => el("div", { class: "bar" + (d.count ? "" : " empty"), "data-period": d.value, "data-count": d.count,
    title: showDate(d.value) + ": " + count(d.count, T.articles), role: "button", "aria-label": showDate(d.value) + ": " + count(d.count, T.articles),
    on: {
      pointerdown: (e) => { start = i; e.preventDefault(); },
      pointerenter: () => { if (tip) tip.textContent = showDate(d.value) + ": " + count(d.count, T.articles); if (start !== null) mark(start, i); },
      pointerup: () => { if (start === null) return; const [a, b] = [Math.min(start, i), Math.max(start, i)]; start = null;
        onPick(periodRange(periods[a].value)[0], periodRange(periods[b].value)[1]); },
    } }));
  // Heights through the style object: the content security policy forbids style attributes.
  list.forEach((bar, i) => { bar.style.height = (periods[i].count ? Math.max(3, Math.round(height * periods[i].count / max)) : 1) + "px"; });
  const mark = (a, b) => list.forEach((bar, k) => bar.classList.toggle("sel", k >= Math.min(a, b) && k <= Math.max(a, b)));
  document.addEventListener("pointerup", () => { start = null; }, { once: true });
  return list;
}

function renderHistogram(t) {
  const box = $("histogram");
  const periods = foldYears(t.periods);
  const undated = t.undated ? el("button", { type: "button", id: "undated", class: "facet", title: T.noDateTitle,
    on: { click: () => go({ undated: true, from: "", to: "", offset: 0 }) } },
    el("span", {}, T.noDate), el("span", { class: "n" }, num(t.undated))) : null;
  const axis = el("div", { id: "axis" }, undated);
  if (!periods.length) { box.replaceChildren(axis); return; }
  const tip = el("div", { id: "hist-tip", "aria-live": "polite" });
  const list = bars(periods, 90, (from, to) => go({ from, to, undated: false, offset: 0 }), tip);
  const max = Math.max(...periods.map((d) => d.count));
  const plot = el("div", { class: "plot" }, el("div", { class: "yaxis" }, el("span", {}, num(max)), el("span", {}, "0")), el("div", { class: "bars" }, list));
  // Up to six labels, the first and the last among them, under their bars.
  const ticks = el("div", { class: "ticks" });
  const n = periods.length;
  const step = Math.max(1, Math.ceil((n - 1) / 5));
  const at = [];
  for (let i = 0; i < n - 1; i += step) at.push(i);
  if (n - 1 - at[at.length - 1] < step / 2 && at.length > 1) at.pop();
  at.push(n - 1);
  for (const i of [...new Set(at)]) {
    const tick = el("span", { class: "tick" + (i === 0 ? " first" : i === n - 1 && n > 1 ? " last" : "") }, showDate(periods[i].value));
    tick.style.left = (i === 0 ? 0 : i === n - 1 ? 100 : (100 * (i + 0.5)) / n) + "%";
    ticks.append(tick);
  }
  box.replaceChildren(plot, ticks, tip, axis);
}

// The metadata line of a hit or a document; metadata read from the text or the file name
// rather than stated by the file is marked as inferred.
function meta(item, where) {
  const inferred = (item.inferred || []).includes("date");
  const date = item.date ? el("span", { class: inferred ? "date inferred" : "date", "data-date": item.date, title: inferred ? T.inferredTitle : null },
    showDate(item.date) + (inferred ? " " + T.inferred : "")) : null;
  const parts = [date, item.source, where].filter(Boolean);
  return el("div", { class: "meta" }, parts.flatMap((p, i) => i === 0 ? [p] : [" · ", p]));
}

function title(item) {
  const inferred = (item.inferred || []).includes("title");
  return inferred ? el("span", { class: "inferred", title: T.inferredTitle }, item.title || item.id) : item.title || item.id;
}

// A snippet with its highlights, as text nodes and <mark>s.
function snippet(text, highlights) {
  const chars = Array.from(text);
  const out = el("div", { class: "snippet" });
  let at = 0;
  for (const [a, b] of highlights) {
    out.append(chars.slice(at, a).join(""), el("mark", {}, chars.slice(a, b).join("")));
    at = b;
  }
  out.append(chars.slice(at).join(""));
  return out;
}

const openProfile = (k, name) => go({ related: k + ":" + name });

function entityButtons(entities) {
  const buttons = [];
  for (const k of KINDS) for (const name of entities[k].slice(0, 4)) {
    buttons.push(el("button", { type: "button", class: LABEL[k], title: T.openProfile(name), "data-entity": k, on: { click: () => openProfile(k, name) } }, name));
  }
  return buttons.length ? el("div", { class: "names" }, buttons) : null;
}

function renderHits(hits, s) {
  active = -1;
  if (!hits.length) {
    const filtered = LISTS.some((k) => s[k].length || s["x" + k].length) || s.from || s.to || s.undated;
    $("results").replaceChildren(el("li", { class: "empty-result", id: "nothing" }, T.nothing, filtered ? " " : null,
      filtered ? el("button", { type: "button", on: { click: () => go(Object.fromEntries([...LISTS.flatMap((k) => [[k, []], ["x" + k, []]]),
        ["from", ""], ["to", ""], ["undated", false], ["offset", 0]])) } }, T.clearFilters) : null));
    return;
  }
  $("results").replaceChildren(...hits.map((h) => {
    const sources = [...new Set(h.duplicates.map((d) => d.source).filter(Boolean))];
    return el("li", { class: "hit", "data-id": h.id },
      el("h2", {}, el("a", { href: pageUrl(Object.assign(readState(), { doc: h.id })), on: { click: (e) => { e.preventDefault(); go({ doc: h.id }); } } }, title(h))),
      meta(h, h.url || h.path),
      snippet(h.snippet, h.highlights),
      entityButtons(h.entities),
      h.duplicates.length ? el("div", { class: "also" }, T.alsoIn + (sources.join(", ") || T.otherFiles) +
        " (" + count(h.duplicates.length, T.versions) + ")") : null);
  }));
}

function renderPager(s, total, shown) {
  const nav = [];
  if (s.offset > 0) nav.push(el("button", { type: "button", on: { click: () => go({ offset: Math.max(0, s.offset - 10) }) } }, T.prev));
  if (shown === 10 && s.offset + 10 < total) nav.push(el("button", { type: "button", on: { click: () => go({ offset: s.offset + 10 }) } }, T.next));
  $("pager").replaceChildren(...nav);
}

// Runs of a text's code points with the same marks, as text nodes and <mark>s: an entity
// surface by its kind, and inside or outside it the query's words where the server found
// them (`marks` from /api/doc, matched by the index's own analyzer).
function runs(chars, from, to, kind, q) {
  const out = [];
  let i = from;
  while (i < to) {
    const k = kind ? kind[i] : null;
    let j = i;
    while (j < to && (kind ? kind[j] : null) === k) j++;
    const inner = [];
    for (let a = i; a < j;) {
      let b = a;
      while (b < j && q[b] === q[a]) b++;
      const t = chars.slice(a, b).join("");
      inner.push(q[a] ? el("mark", { class: "q" }, t) : t);
      a = b;
    }
    out.push(k ? el("mark", { class: k }, inner) : inner);
    i = j;
  }
  return out.flat();
}

function queryFlags(length, marks) {
  const q = new Uint8Array(length);
  for (const [a, b] of marks || []) for (let i = a; i < Math.min(b, length); i++) q[i] = 1;
  return q;
}

// The body's paragraphs with every way the article wrote each entity marked (longest first)
// and the query's words.
function markedBody(body, mentions, marks) {
  const chars = [...body];
  const q = queryFlags(chars.length, marks);
  const kind = new Array(chars.length).fill(null);
  const surfaces = [...new Map(mentions.map((m) => [m.surface, m.kind])).entries()]
    .map(([surface, k]) => [[...surface], k]).filter(([s]) => s.length).sort((a, b) => b[0].length - a[0].length);
  for (const [s, k] of surfaces) {
    for (let i = 0; i + s.length <= chars.length; i++) {
      if (chars[i] === s[0] && s.every((c, j) => chars[i + j] === c && kind[i + j] === null)) {
        kind.fill(k, i, i + s.length);
        i += s.length - 1;
      }
    }
  }
  const paragraphs = [];
  for (let i = 0; i < chars.length;) {
    let j = i;
    while (j < chars.length && chars[j] !== "\n") j++;
    if (chars.slice(i, j).join("").trim()) paragraphs.push(el("p", {}, runs(chars, i, j, kind, q)));
    i = j + 1;
  }
  return paragraphs;
}

function markedTitle(d) {
  if (!d.title || !d.marks) return title(d);
  const chars = [...d.title];
  const marked = runs(chars, 0, chars.length, null, queryFlags(chars.length, d.marks.title));
  return (d.inferred || []).includes("title") ? el("span", { class: "inferred", title: T.inferredTitle }, marked) : marked;
}

function legend() {
  return el("div", { class: "legend", id: "legend" }, T.legend,
    KINDS.map((k) => el("span", { class: LABEL[k] }, T.titles[k])), el("span", {}, el("mark", { class: "q" }, T.query)));
}

async function renderDoc(s) {
  const box = $("doc");
  if (!s.doc) { box.hidden = true; return; }
  try {
    const asked = new URLSearchParams({ id: s.doc });
    if (s.q && s.q.trim() && s.q.trim() !== "*") asked.set("q", s.q);
    const d = await api("/api/doc", asked);
    const lists = KINDS.map((k) => d.entities[k].length ?
      el("p", {}, el("strong", {}, T.titles[k] + ": "), d.entities[k].map((n) => el("button", { type: "button", class: "related-link " + LABEL[k],
        "data-entity": k, title: T.openProfile(n), on: { click: () => openProfile(k, n) } }, n))) : null);
    const url = d.url && /^https?:\/\//i.test(d.url)
      ? el("a", { href: d.url, target: "_blank", rel: "noopener noreferrer", id: "doc-url" }, d.url) : d.url;
    box.replaceChildren(...[
      el("button", { type: "button", class: "close", id: "doc-close", on: { click: () => go({ doc: "" }) } }, T.close),
      el("h2", {}, markedTitle(d)),
      meta(d, url),
      legend(),
      ...lists.filter(Boolean),
      ...markedBody(d.body, d.mentions, d.marks && d.marks.body),
      d.duplicates.length ? el("div", { class: "also", id: "versions" }, T.otherVersions,
        d.duplicates.map((x) => el("button", { type: "button", class: "related-link", "data-doc": x.id, on: { click: () => go({ doc: x.id }) } },
          [x.source || x.id, x.date ? showDate(x.date) : null].filter(Boolean).join(", ")))) : null,
    ].filter(Boolean));
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, e.message));
  }
  box.hidden = false;
}

// An entity's profile: the forms it was written in, its articles over time, the sources that
// write about it, and who is named with it; each leads on.
async function renderRelated(s) {
  const box = $("related");
  if (!s.related) { box.hidden = true; return; }
  const i = s.related.indexOf(":");
  const [kind, name] = [s.related.slice(0, i), s.related.slice(i + 1)];
  if (!KINDS.includes(kind)) { box.hidden = true; return; }
  const only = { [kind]: name };
  try {
    const [r, t, f, listed] = await Promise.all([
      api("/api/related", new URLSearchParams({ ...only, limit: 10 })),
      api("/api/timeline", new URLSearchParams({ ...only, by: "month" })),
      api("/api/facets", new URLSearchParams({ ...only, facet: "source", facet_size: 10 })),
      api("/api/entities", new URLSearchParams({ ...only, type: kind, limit: 5 })),
    ]);
    const ids = new Set(r.entities.map((e) => e.id));
    const forms = [...new Set(listed.filter((l) => ids.has(l.id)).flatMap((l) => l.surfaces))];
    const list = (k, counts) => counts.length ? el("section", { "data-profile": k }, el("h3", {}, T.titles[k]),
      counts.map((c) => el("button", { type: "button", class: "facet", on: { click: () => openProfile(k, c.value) } },
        el("span", {}, c.value), el("span", { class: "n" }, num(c.count))))) : null;
    const periods = foldYears(t.periods);
    const unknown = r.entities.length ? null : el("p", { class: "error", "data-unresolved": kind }, T.unknown(kind, name));
    box.replaceChildren(...[
      el("button", { type: "button", class: "close", id: "profile-close", on: { click: () => go({ related: "" }) } }, T.close),
      el("h2", { id: "profile-name" }, r.entities.length ? r.entities[0].name : name),
      el("div", { class: "meta" }, T.kindTitle[kind] + " · " + count(r.total, T.articles) + " ",
        el("button", { type: "button", id: "profile-search", on: { click: () => go({ [kind]: [name], related: "", doc: "", offset: 0 }) } }, T.searchArticles)),
      unknown,
      forms.length ? el("p", { class: "forms", id: "profile-forms" }, T.forms, forms.join(", ")) : null,
      periods.length ? el("section", { "data-profile": "timeline" }, el("h3", {}, T.overTimeShort),
        el("div", { class: "profile-bars" }, bars(periods, 50, (from, to) => go({ [kind]: [name], from, to, related: "", offset: 0 })))) : null,
      f.facets.source.length ? el("section", { "data-profile": "source" }, el("h3", {}, T.sources),
        f.facets.source.map((c) => el("button", { type: "button", class: "facet", on: { click: () => go({ [kind]: [name], source: [c.value], related: "", offset: 0 }) } },
          el("span", {}, c.value), el("span", { class: "n" }, num(c.count))))) : null,
      el("h3", {}, T.namedWith),
      ...KINDS.map((k) => list(k, r[k])),
    ].filter(Boolean));
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, e.message));
  }
  box.hidden = false;
}

// Keyboard: `/` finds, arrows move through the hits, Enter opens one, Esc closes.
let active = -1;
function moveTo(i) {
  const hits = [...document.querySelectorAll("#results .hit")];
  if (!hits.length) return;
  active = Math.max(0, Math.min(hits.length - 1, i));
  hits.forEach((h, k) => h.classList.toggle("active", k === active));
  hits[active].scrollIntoView({ block: "nearest" });
  hits[active].querySelector("h2 a").focus({ preventScroll: true });
}
document.addEventListener("keydown", (e) => {
  const typing = e.target instanceof HTMLElement && (e.target.matches("input, textarea, select") || e.target.isContentEditable);
  if (e.key === "/" && !typing) { e.preventDefault(); $("q").focus(); $("q").select(); return; }
  if (e.key === "Escape") {
    const s = readState();
    if (s.doc) go({ doc: "" });
    else if (s.related) go({ related: "" });
    else if ($("facets").classList.contains("open")) toggleFacets(false);
    else if (typing) e.target.blur();
    return;
  }
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if ((e.key === "ArrowDown" || e.key === "ArrowUp") && (!typing || e.target === $("q"))) {
    e.preventDefault();
    moveTo(e.key === "ArrowDown" ? active + 1 : active - 1);
    return;
  }
  if (e.key === "Enter" && !typing && active >= 0 && !(e.target instanceof HTMLAnchorElement || e.target instanceof HTMLButtonElement)) {
    const hit = document.querySelectorAll("#results .hit")[active];
    if (hit) { e.preventDefault(); go({ doc: hit.dataset.id }); }
  }
});

function toggleFacets(open) {
  $("facets").classList.toggle("open", open);
  $("facets-toggle").setAttribute("aria-expanded", String(open));
}

$("search").addEventListener("submit", (e) => { e.preventDefault(); go({ q: $("q").value.trim(), sort: $("sort").value, group: $("group").checked, offset: 0 }); });
$("sort").addEventListener("change", () => go({ sort: $("sort").value, offset: 0 }));
$("count").addEventListener("change", () => go({ count: $("count").value, offset: 0 }));
$("group").addEventListener("change", () => go({ group: $("group").checked, offset: 0 }));
$("help-toggle").addEventListener("click", (e) => { const h = $("help"); h.hidden = !h.hidden; e.currentTarget.setAttribute("aria-expanded", String(!h.hidden)); });
$("facets-toggle").addEventListener("click", () => toggleFacets(!$("facets").classList.contains("open")));
$("lang").addEventListener("click", (e) => { e.preventDefault(); go({ lang: readState().lang === "en" ? "ru" : "en" }); });
window.addEventListener("popstate", render);
render();
