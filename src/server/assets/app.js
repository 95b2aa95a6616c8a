// vestnik's interface: the state lives in the URL (so a view can be bookmarked and shared),
// every text from the archive is inserted as text, never as HTML.
"use strict";

const LISTS = ["source", "person", "org", "loc"];
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function readState() {
  const p = new URLSearchParams(location.search);
  const s = { q: p.get("q") || "", sort: p.get("sort") || "relevance", group: p.get("group") !== "false",
    from: p.get("from") || "", to: p.get("to") || "", undated: p.get("undated") === "1", offset: Number(p.get("offset")) || 0,
    doc: p.get("doc") || "", related: p.get("related") || "" };
  for (const k of LISTS) s[k] = p.getAll(k);
  return s;
}

function toParams(s, extra) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const k of LISTS) for (const v of s[k]) p.append(k, v);
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  if (s.undated) p.set("undated", "1");
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

function go(change) {
  const s = Object.assign(readState(), change);
  const p = toParams(s);
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (!s.group) p.set("group", "false");
  if (s.offset) p.set("offset", s.offset);
  if (s.doc) p.set("doc", s.doc);
  if (s.related) p.set("related", s.related);
  history.pushState(null, "", "?" + p.toString());
  render();
}

async function api(path, params) {
  const r = await fetch(path + "?" + params.toString());
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// Years for long spans, months for a couple of years or less.
function bucketFor(s) {
  if (s.from && s.to && (new Date(s.to) - new Date(s.from)) < 2.1 * 365 * 864e5) return "month";
  return "year";
}

function periodRange(value) {
  if (value.length === 4) return [value + "-01-01", value + "-12-31"];
  const [y, m] = value.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [value + "-01", value + "-" + String(last).padStart(2, "0")];
}

async function render() {
  const s = readState();
  $("q").value = s.q;
  $("sort").value = s.sort;
  $("group").checked = s.group;
  renderChips(s);
  const by = bucketFor(s);
  const params = toParams(s, { limit: 10, offset: s.offset, sort: s.sort, group: s.group, by });
  try {
    const r = await api("/api/search", params);
    renderFacets(r.facets);
    renderHistogram(r.facets.date);
    // A filter naming nobody the archive holds matches nothing; say so beside the count.
    const nouns = { person: "person", org: "organization", loc: "place" };
    const unknown = ["person", "org", "loc"].flatMap((k) => (r.filters[k] || [])
      .filter((m) => m.entities.length === 0)
      .map((m) => el("span", { class: "error", "data-unresolved": k }, (m.ambiguous || []).length
        ? " — " + m.name + " could be any of several: " + m.ambiguous.map((e) => e.name).join(", ") + "; name one of them"
        : " — no " + nouns[k] + " named " + m.name + " in this archive")));
    if (r.filters.source.length && r.filters.source.every((x) => !x.known)) {
      unknown.push(el("span", { class: "error", "data-unresolved": "source" }, " — no source named " + r.filters.source.map((x) => x.name).join(" or ") + " in this archive"));
    }
    if (!r.filters.dates_possible) {
      unknown.push(el("span", { class: "error", "data-unresolved": "dates" }, " — " + r.filters.date_conflict));
    }
    // A relaxed answer says so: these articles hold most of the words, not every one.
    if (r.relaxed) {
      unknown.push(el("span", { class: "note", "data-relaxed": r.relaxation.required }, " — no article has every word; showing articles with most of them (at least " + r.relaxation.required + " of " + r.relaxation.words + ")"));
    }
    if ((r.suggestions || []).length) {
      unknown.push(el("span", { class: "note", "data-suggestions": "" }, " — did you mean " + r.suggestions.join(", ") + "?"));
    }
    $("summary").replaceChildren(r.total === 1 ? "1 article" : r.total + " articles", ...unknown);
    renderHits(r.hits);
    renderPager(s, r.total, r.hits.length);
  } catch (e) {
    $("summary").replaceChildren(el("span", { class: "error" }, e.message));
    $("results").replaceChildren();
  }
  await renderDoc(s.doc);
  await renderRelated(s);
}

function renderChips(s) {
  const chips = [];
  const names = { source: "source", person: "person", org: "organization", loc: "place" };
  for (const k of LISTS) for (const v of s[k]) {
    chips.push(el("span", { class: "chip" }, names[k] + ": " + v,
      el("button", { "aria-label": "remove", on: { click: () => go({ [k]: s[k].filter((x) => x !== v), offset: 0 }) } }, "×")));
  }
  if (s.from || s.to) {
    chips.push(el("span", { class: "chip", id: "date-chip" }, (s.from || "…") + " – " + (s.to || "…"),
      el("button", { "aria-label": "remove", on: { click: () => go({ from: "", to: "", offset: 0 }) } }, "×")));
  }
  if (s.undated) {
    chips.push(el("span", { class: "chip", id: "undated-chip" }, "no date",
      el("button", { "aria-label": "remove", on: { click: () => go({ undated: false, offset: 0 }) } }, "×")));
  }
  $("chips").replaceChildren(...chips);
}

function renderFacets(f) {
  const section = (title, key, counts) => counts.length === 0 ? null : el("section", { "data-facet": key },
    el("h3", {}, title),
    counts.map((c) => el("button", { class: "facet", type: "button",
      on: { click: () => { const s = readState(); if (!s[key].includes(c.value)) go({ [key]: [...s[key], c.value], offset: 0 }); } } },
      el("span", {}, c.value), el("span", { class: "n" }, String(c.count)))));
  $("facets").replaceChildren(...[section("Sources", "source", f.source), section("People", "person", f.person),
    section("Organizations", "org", f.org), section("Places", "loc", f.loc)].filter(Boolean));
}

// The date facet: a bar per period, and the articles without a date (the bucket whose value is
// null) as a button of their own that filters to them.
function renderHistogram(buckets) {
  const box = $("histogram");
  box.replaceChildren();
  const none = buckets.find((d) => d.value === null);
  const undated = none ? el("button", { type: "button", id: "undated", class: "facet",
    title: "articles whose date is not known", on: { click: () => go({ undated: true, from: "", to: "", offset: 0 }) } },
    el("span", {}, "no date"), el("span", { class: "n" }, String(none.count))) : null;
  const dates = buckets.filter((d) => d.value !== null);
  if (!dates.length) {
    if ($("axis")) $("axis").replaceChildren(...(undated ? [undated] : []));
    else if (undated) box.after(el("div", { id: "axis" }, undated));
    return;
  }
  const max = Math.max(...dates.map((d) => d.count));
  let start = null;
  const bars = dates.map((d, i) => el("div", { class: "bar", title: d.value + ": " + d.count, "data-period": d.value,
    on: {
      pointerdown: (e) => { start = i; e.preventDefault(); },
      pointerenter: () => { if (start !== null) mark(start, i); },
      pointerup: () => { if (start === null) return; const [a, b] = [Math.min(start, i), Math.max(start, i)]; start = null;
        go({ from: periodRange(dates[a].value)[0], to: periodRange(dates[b].value)[1], undated: false, offset: 0 }); },
    } }));
  // Heights through the style object: the content security policy forbids style attributes.
  bars.forEach((bar, i) => { bar.style.height = Math.max(4, Math.round(90 * dates[i].count / max)) + "px"; });
  const mark = (a, b) => bars.forEach((bar, k) => bar.classList.toggle("sel", k >= Math.min(a, b) && k <= Math.max(a, b)));
  box.append(...bars);
  box.after($("axis") || el("div", { id: "axis" }));
  $("axis").replaceChildren(el("span", {}, dates[0].value), undated, el("span", {}, dates[dates.length - 1].value));
}

// The metadata line of a hit or a document; a date read from the text or the file name
// rather than stated by the file is marked as inferred.
function meta(item, where) {
  const date = item.date && (item.inferred || []).includes("date")
    ? el("span", { class: "inferred", title: "inferred from the text or the file name, not stated by the file" }, item.date + " (inferred)")
    : item.date;
  const parts = [date, item.source, where].filter(Boolean);
  return el("div", { class: "meta" }, parts.flatMap((p, i) => i === 0 ? [p] : [" · ", p]));
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

function entityButtons(entities) {
  const buttons = [];
  for (const k of ["person", "org", "loc"]) for (const name of entities[k].slice(0, 4)) {
    buttons.push(el("button", { type: "button", title: "filter by " + name,
      on: { click: () => { const s = readState(); if (!s[k].includes(name)) go({ [k]: [...s[k], name], offset: 0 }); } } }, name));
  }
  return buttons.length ? el("div", { class: "names" }, buttons) : null;
}

function renderHits(hits) {
  $("results").replaceChildren(...hits.map((h) => {
    const sources = [...new Set(h.duplicates.map((d) => d.source).filter(Boolean))];
    return el("li", { class: "hit", "data-id": h.id },
      el("h2", {}, el("a", { href: "?doc=" + encodeURIComponent(h.id), on: { click: (e) => { e.preventDefault(); go({ doc: h.id }); } } }, h.title || h.id)),
      meta(h, h.url || h.path),
      snippet(h.snippet, h.highlights),
      entityButtons(h.entities),
      h.duplicates.length ? el("div", { class: "also" }, "also in: " + (sources.join(", ") || "other files") +
        " (" + h.duplicates.length + (h.duplicates.length === 1 ? " other version)" : " other versions)")) : null);
  }));
}

function renderPager(s, total, shown) {
  const nav = [];
  if (s.offset > 0) nav.push(el("button", { type: "button", on: { click: () => go({ offset: Math.max(0, s.offset - 10) }) } }, "← previous"));
  if (shown === 10 && s.offset + 10 < total) nav.push(el("button", { type: "button", on: { click: () => go({ offset: s.offset + 10 }) } }, "next →"));
  $("pager").replaceChildren(...nav);
}

// Marks every way the article wrote each entity, longest first, in text nodes only.
function markMentions(text, mentions) {
  const surfaces = [...new Map(mentions.map((m) => [m.surface, m.kind])).entries()].sort((a, b) => b[0].length - a[0].length);
  let parts = [text];
  for (const [surface, kind] of surfaces) {
    parts = parts.flatMap((p) => {
      if (typeof p !== "string" || !surface) return [p];
      const pieces = p.split(surface);
      return pieces.flatMap((piece, i) => i === 0 ? [piece] : [el("mark", { class: kind }, surface), piece]);
    });
  }
  return parts;
}

async function renderDoc(id) {
  const box = $("doc");
  if (!id) { box.hidden = true; return; }
  try {
    const d = await api("/api/doc", new URLSearchParams({ id }));
    const lists = [["person", "People"], ["org", "Organizations"], ["loc", "Places"]].map(([k, title]) => d.entities[k].length ?
      el("p", {}, el("strong", {}, title + ": "), d.entities[k].map((n) => el("button", { type: "button", class: "related-link",
        on: { click: () => go({ related: k + ":" + n }) } }, n))) : null);
    box.replaceChildren(...[
      el("button", { type: "button", on: { click: () => go({ doc: "" }) } }, "close"),
      el("h2", {}, d.title || d.id),
      meta(d, d.url),
      ...lists.filter(Boolean),
      ...d.body.split(/\n+/).filter((p) => p.trim()).map((p) => el("p", {}, markMentions(p, d.mentions))),
      d.duplicates.length ? el("div", { class: "also" }, "Other versions: " + d.duplicates.map((x) => x.source || x.id).join(", ")) : null,
    ].filter(Boolean));
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, e.message));
  }
  box.hidden = false;
}

async function renderRelated(s) {
  const box = $("related");
  if (!s.related) { box.hidden = true; return; }
  const i = s.related.indexOf(":");
  const [kind, name] = [s.related.slice(0, i), s.related.slice(i + 1)];
  try {
    const r = await api("/api/related", new URLSearchParams({ [kind]: name, limit: 8 }));
    const list = (title, counts) => counts.length ? el("section", {}, el("h3", {}, title),
      counts.map((c) => el("div", { class: "facet" }, el("span", {}, c.value), el("span", { class: "n" }, String(c.count))))) : null;
    box.replaceChildren(el("button", { type: "button", on: { click: () => go({ related: "" }) } }, "close"),
      el("h3", {}, "Named with " + r.name + " (" + r.total + " articles)"),
      ...[list("People", r.person), list("Organizations", r.org), list("Places", r.loc)].filter(Boolean));
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, e.message));
  }
  box.hidden = false;
}

$("search").addEventListener("submit", (e) => { e.preventDefault(); go({ q: $("q").value.trim(), sort: $("sort").value, group: $("group").checked, offset: 0 }); });
$("sort").addEventListener("change", () => go({ sort: $("sort").value, offset: 0 }));
$("group").addEventListener("change", () => go({ group: $("group").checked, offset: 0 }));
$("help-toggle").addEventListener("click", (e) => { const h = $("help"); h.hidden = !h.hidden; e.target.setAttribute("aria-expanded", String(!h.hidden)); });
window.addEventListener("popstate", render);
render();
