// The service's page: the GDP fan chart, the headline box and the loaded models.
// Plain DOM and SVG, no libraries: it must work with no internet and load fast.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const HISTORY_QUARTERS = 40;
const LABELS = ["negative", "neutral", "positive"];
const $ = (selector) => document.querySelector(selector);

class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

let token = sessionStorage.getItem("apiToken");
let plotted = null; // {history, forecast}: redrawn when the width or the view changes
// Quarters of history the chart shows. Recent by default: over ten years the 2020-21
// swings set the scale and the four forecast points sit in the chart's last few pixels.
const VIEWS = { "view-recent": 12, "view-long": HISTORY_QUARTERS };
let viewQuarters = VIEWS["view-recent"];

function redraw() {
  if (plotted) drawChart(plotted.history.slice(-viewQuarters), plotted.forecast);
}

function chooseView(id) {
  viewQuarters = VIEWS[id];
  for (const button of document.querySelectorAll("button.view")) {
    button.setAttribute("aria-pressed", String(button.id === id));
  }
  redraw();
}

// The service's error bodies: {"detail": "..."} or, for 422, a list of {loc, msg}.
function errorText(body, response) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((e) => `${(e.loc || []).join(".")}: ${e.msg}`).join("; ");
  }
  return `${response.status} ${response.statusText}`;
}

// The bearer token, when the service asked for one, goes with every call.
function authorised(headers = {}) {
  return token ? { ...headers, Authorization: `Bearer ${token}` } : headers;
}

async function api(path, options = {}) {
  const headers = authorised({ Accept: "application/json", ...(options.headers || {}) });
  const response = await fetch(path, { ...options, headers });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null; // an error page that is not JSON: reported by status below
  }
  if (response.status === 401) $("#token-form").hidden = false;
  if (!response.ok) {
    const retry = Number(response.headers.get("Retry-After")) || 0;
    throw new ApiError(response.status, errorText(body, response), retry);
  }
  return body;
}

function withAttrs(node, attrs, text) {
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const el = (tag, attrs = {}, text) => withAttrs(document.createElement(tag), attrs, text);
const svgEl = (tag, attrs = {}, text) => withAttrs(document.createElementNS(SVG, tag), attrs, text);

// Rounded, and never "-0.0".
function fmt(x, digits = 1) {
  const rounded = Number(x.toFixed(digits));
  return (rounded === 0 ? 0 : rounded).toFixed(digits);
}

// Round tick steps (1, 2, 2.5, 5 x 10^k), about `count` of them, from a tick at or below
// `lo` to one at or above `hi`, so the plot ends on labelled lines.
function ticks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.floor(lo / step) * step; v < hi + step - 1e-9; v += step) {
    out.push(+v.toFixed(6));
  }
  return out;
}

function drawChart(history, forecast) {
  const svg = $("#chart");
  const width = Math.max(300, Math.round(svg.getBoundingClientRect().width) || 800);
  const height = Math.round(Math.min(420, Math.max(260, width * 0.5)));
  const narrow = width < 560;
  const m = { top: 16, right: 14, bottom: 46, left: 54 };
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("height", height);
  for (const node of [...svg.childNodes]) {
    if (!["title", "desc"].includes(node.nodeName)) node.remove();
  }

  const quarters = [...history.map((q) => q.quarter), ...forecast.forecasts.map((f) => f.quarter)];
  const values = [
    ...history.map((q) => q.gdp_growth_yoy),
    ...forecast.forecasts.flatMap((f) => [f.lower, f.upper, f.gdp_growth_yoy]),
    0,
  ];
  const yTicks = ticks(Math.min(...values), Math.max(...values), narrow ? 5 : 7);
  const yLo = yTicks[0];
  const yHi = yTicks[yTicks.length - 1];
  const x = (i) => m.left + (i * (width - m.left - m.right)) / (quarters.length - 1);
  const y = (v) => m.top + ((yHi - v) * (height - m.top - m.bottom)) / (yHi - yLo);

  const axes = svgEl("g", { class: "axes" });
  for (const v of yTicks) {
    axes.append(svgEl("line", { class: v === 0 ? "zero" : "grid", x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
    axes.append(svgEl("text", { class: "tick", x: m.left - 6, y: y(v) + 4, "text-anchor": "end" }, fmt(v, Number.isInteger(v) ? 0 : 1)));
  }
  // Label Q1 of every year (of every other year when narrow and long), tick every quarter.
  const every = narrow && quarters.length > 24 ? 8 : 4;
  quarters.forEach((q, i) => {
    const major = q.endsWith("Q1") && Number(q.slice(0, 4)) % (every / 4) === 0;
    axes.append(svgEl("line", { class: "qtick", x1: x(i), x2: x(i), y1: height - m.bottom, y2: height - m.bottom + (major ? 6 : 3) }));
    if (major) {
      axes.append(svgEl("text", { class: "tick", x: x(i), y: height - m.bottom + 18, "text-anchor": "middle" }, q.slice(0, 4)));
    }
  });
  axes.append(svgEl("line", { class: "axis", x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom }));
  axes.append(svgEl("text", { class: "axis-title", x: (m.left + width - m.right) / 2, y: height - 6, "text-anchor": "middle" }, "Quarter (labels at Q1)"));
  axes.append(svgEl("text", { class: "axis-title", transform: `translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)`, "text-anchor": "middle" }, "Real GDP growth, % y/y"));
  svg.append(axes);

  const last = history.length - 1;
  const lastValue = history[last].gdp_growth_yoy;
  const fi = (k) => last + 1 + k; // forecast k's position
  const fan = [
    [x(last), y(lastValue)],
    ...forecast.forecasts.map((f, k) => [x(fi(k)), y(f.upper)]),
    ...forecast.forecasts.map((f, k) => [x(fi(k)), y(f.lower)]).reverse(),
  ];
  svg.append(svgEl("polygon", { class: "fan", points: fan.map((p) => p.join(",")).join(" ") }));
  svg.append(svgEl("line", { class: "last-observed-line", x1: x(last), x2: x(last), y1: m.top, y2: height - m.bottom }));
  svg.append(svgEl("text", { class: "annotation", x: x(last) - 4, y: m.top + 10, "text-anchor": "end" }, `last observed ${history[last].quarter}`));
  svg.append(svgEl("polyline", { class: "history-line", points: history.map((q, i) => `${x(i)},${y(q.gdp_growth_yoy)}`).join(" ") }));
  const path = [[x(last), y(lastValue)], ...forecast.forecasts.map((f, k) => [x(fi(k)), y(f.gdp_growth_yoy)])];
  svg.append(svgEl("polyline", { class: "forecast-line", points: path.map((p) => p.join(",")).join(" ") }));

  const lastDot = svgEl("circle", { class: "last-observed", cx: x(last), cy: y(lastValue), r: 4.5, "data-quarter": history[last].quarter });
  lastDot.append(svgEl("title", {}, `${history[last].quarter}: ${fmt(lastValue, 2)} % (last observed)`));
  svg.append(lastDot);
  forecast.forecasts.forEach((f, k) => {
    const dot = svgEl("circle", { class: "forecast-point", cx: x(fi(k)), cy: y(f.gdp_growth_yoy), r: 4.5, "data-quarter": f.quarter });
    dot.append(svgEl("title", {}, `${f.quarter}: ${fmt(f.gdp_growth_yoy, 2)} % (${fmt(f.lower)} to ${fmt(f.upper)})`));
    svg.append(dot);
  });
}

function coverageText(forecast) {
  const c = forecast.interval_coverage;
  return c ? `${Math.round(c * 100)} % interval` : "interval";
}

function showForecast(history, forecast) {
  const first = forecast.forecasts[0];
  const end = forecast.forecasts[forecast.forecasts.length - 1];
  $("#outlook-summary").textContent =
    `Last observed ${forecast.last_observed_quarter}: ${fmt(history[history.length - 1].gdp_growth_yoy)} %. ` +
    `Forecast ${fmt(first.gdp_growth_yoy)} % in ${first.quarter}, ${fmt(end.gdp_growth_yoy)} % in ${end.quarter}.`;
  $("#chart-desc").textContent =
    `${history.length} observed quarters from ${history[0].quarter} to ${forecast.last_observed_quarter}, then ` +
    forecast.forecasts.map((f) => `${f.quarter} ${fmt(f.gdp_growth_yoy)} % (${fmt(f.lower)} to ${fmt(f.upper)})`).join(", ") + ".";
  const legend = $("#chart-legend");
  legend.replaceChildren();
  for (const [cls, text] of [["history", "observed"], ["forecast", "forecast"], ["fan", coverageText(forecast)]]) {
    const item = el("span", { class: "key" });
    item.append(el("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), document.createTextNode(text));
    legend.append(item);
  }
  $("#interval-head").textContent = coverageText(forecast).replace(/^./, (c) => c.toUpperCase());
  const body = $("#forecast-table tbody");
  body.replaceChildren(
    ...forecast.forecasts.map((f) => {
      const row = el("tr");
      row.append(el("th", { scope: "row" }, f.quarter), el("td", {}, `${fmt(f.gdp_growth_yoy)} %`), el("td", {}, `${fmt(f.lower)} to ${fmt(f.upper)} %`));
      return row;
    }),
  );

  const inputs = forecast.inputs;
  const refresh = inputs.last_refresh;
  const rows = [
    ["Source", inputs.source === "fred" ? "FRED" : "embedded snapshot (FRED not reached yet)"],
    ["Vintage", inputs.vintage],
    ["Fetched", new Date(inputs.fetched_at).toLocaleString()],
    ["Age", `${fmt(inputs.age_hours)} hours`],
    ["Staleness", inputs.stale ? "stale: older than the service's limit" : "fresh"],
    ["Last refresh", refresh ? (refresh.ok ? `succeeded ${new Date(refresh.at).toLocaleString()}` : `failed: ${refresh.reason}`) : "none yet"],
    ["Model", `${forecast.model.name} v${forecast.model.version}`],
  ];
  // What the first forecast quarter already rests on: its published months.
  const current = forecast.current_quarter;
  if (current) {
    const known = Object.entries(current.months_known).map(([name, n]) => `${name} ${n} of 3`).join(", ");
    const latest = Object.entries(inputs.last_period).map(([name, p]) => `${name} ${p}`).join(", ");
    rows.splice(1, 0, ["Months known", `${current.quarter}: ${known}`], ["Latest data", latest]);
  }
  // The bridge regression's indicator is read only while it reaches the last GDP quarter.
  const bridge = forecast.bridge;
  if (bridge) {
    rows.splice(3, 0, ["Bridge", bridge.used
      ? `${bridge.series} read (to ${bridge.last_period})`
      : `${bridge.series} not read: its newest month, ${bridge.last_period}, is older than ${bridge.needs}`]);
  }
  // Newer FRED figures held back as implausible: the chart still shows the vintage above.
  const held = inputs.quarantined;
  if (held) rows.push(["Quarantined", `FRED data fetched ${new Date(held.at).toLocaleString()} not used: ${held.reason}`]);
  const dl = $("#inputs");
  dl.replaceChildren();
  for (const [term, value] of rows) {
    const dd = el("dd", {}, value);
    if (term === "Staleness") dd.className = inputs.stale ? "badge stale" : "badge fresh";
    if (term === "Quarantined") dd.className = "badge stale quarantined";
    dl.append(el("dt", {}, term), dd);
  }
  plotted = { history, forecast };
  redraw();
}

function showModels(models) {
  $("#models").replaceChildren(
    ...models.map((m) => {
      const item = el("li");
      item.append(el("strong", {}, `${m.name} v${m.version}`), document.createTextNode(` on ${m.device}`));
      if (m.reports && m.reports.length) {
        const links = el("span", { class: "reports" });
        links.append(document.createTextNode(" · reports: "));
        m.reports.forEach((r, i) => {
          if (i) links.append(document.createTextNode(", "));
          const label = r.name.replace(/\.png$/, "").replaceAll("_", " ");
          const title = `${m.name} v${m.version}: ${label}`;
          const link = el("a", { href: r.url, class: "report-link" }, label);
          link.addEventListener("click", (e) => {
            e.preventDefault();
            showReport(r.url, title);
          });
          links.append(link);
        });
        item.append(links);
      }
      return item;
    }),
  );
}

// Fetched rather than linked, so the bearer token goes with it when the service needs one.
async function showReport(url, title) {
  const response = await fetch(url, { headers: authorised() });
  if (!response.ok) {
    $("#status").hidden = false;
    $("#status").textContent = `Could not load ${title}: ${response.status}`;
    return;
  }
  const image = $("#report-image");
  if (image.src) URL.revokeObjectURL(image.src);
  image.src = URL.createObjectURL(await response.blob());
  image.alt = title;
  $("#report-title").textContent = title;
  $("#report-dialog").showModal();
}

// "text | Infosys, TCS" asks about each company named; "text | auto" lets the service find them.
function parseLine(line) {
  const bar = line.lastIndexOf("|");
  if (bar < 0) return line;
  const text = line.slice(0, bar).trim();
  const named = line.slice(bar + 1).trim();
  if (!text || !named) return text || line;
  const entities = named.toLowerCase() === "auto" ? "auto" : named.split(",").map((s) => s.trim()).filter(Boolean);
  return { text, entities };
}

function entityList(entities, leftOut) {
  const list = el("ul", { class: "entities" });
  if (!entities.length) list.append(el("li", { class: "entity-none" }, "No company found in this headline."));
  for (const e of entities) {
    const row = el("li", { class: "entity" });
    row.append(
      // The company's key ("AAPL", "NSE:INFY") on hover: one for all of its names.
      el("span", e.company ? { class: "entity-name", title: e.company } : { class: "entity-name" }, e.name),
      el("span", { class: `label label-${e.label}` }, `${e.label} ${Math.round(e.scores[e.label] * 100)} %`),
    );
    list.append(row);
  }
  // "auto" answers a headline's first entities up to the server's limit, and says so.
  if (leftOut) list.append(el("li", { class: "entity-none" }, `${leftOut} more found, not answered (the limit per headline).`));
  return list;
}

function showResults(headlines, body) {
  $("#results").replaceChildren(
    ...body.results.map((r, i) => {
      const item = el("li", { class: "result" });
      const asked = headlines[i];
      item.append(el("p", { class: "headline" }, typeof asked === "string" ? asked : asked.text));
      const label = el("span", { class: `label label-${r.label}` }, `${r.label} ${Math.round(r.scores[r.label] * 100)} %`);
      item.append(label);
      const bars = el("div", { class: "bars" });
      for (const name of LABELS) {
        const p = r.scores[name];
        const bar = el("div", { class: "bar" });
        const track = el("span", { class: "track", "aria-hidden": "true" });
        const fill = el("span", { class: `fill fill-${name}` });
        fill.style.width = `${(p * 100).toFixed(1)}%`;
        track.append(fill);
        bar.append(el("span", { class: "bar-name" }, name), track, el("span", { class: "bar-value" }, `${(p * 100).toFixed(1)} %`));
        bars.append(bar);
      }
      item.append(bars);
      // The model reads English only: say when a headline is in another language, else
      // how much of it the model knew.
      if (typeof r.language === "string" && r.language !== "en") {
        const note = r.language === "zxx"
          ? "This headline holds no words: no reading."
          : `This headline reads as another language (${r.language}); the model reads English only: no reading.`;
        item.append(el("p", { class: "coverage" }, note));
      } else if (typeof r.coverage === "number" && r.coverage < 1) {
        const note = r.coverage === 0
          ? "No word of this headline is known to the model (it reads English only): no reading."
          : `The model knows ${Math.round(r.coverage * 100)} % of this headline's words.`;
        item.append(el("p", { class: "coverage" }, note));
      }
      if (Array.isArray(r.entities)) item.append(entityList(r.entities, r.entities_left_out));
      return item;
    }),
  );
}

async function score(event) {
  event.preventDefault();
  const error = $("#sentiment-error");
  error.hidden = true;
  const headlines = $("#headlines").value.split("\n").map((s) => s.trim()).filter(Boolean).map(parseLine);
  if (!headlines.length) {
    error.textContent = "Paste at least one headline, one per line.";
    error.hidden = false;
    return;
  }
  const button = $("#score");
  button.disabled = true;
  try {
    const body = await api("/sentiment", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ headlines }),
    });
    showResults(headlines, body);
  } catch (err) {
    error.textContent = `The service refused: ${err.message}`;
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function load() {
  const status = $("#status");
  try {
    const [forecast, history, models] = await Promise.all([
      api("/forecast"),
      api(`/forecast/history?quarters=${HISTORY_QUARTERS}`),
      api("/models"),
    ]);
    showForecast(history.quarters, forecast);
    showModels(models.models);
    status.textContent = "";
    status.hidden = true;
  } catch (err) {
    status.hidden = false;
    if (err.status === 503) {
      const wait = err.retryAfter || 5;
      status.textContent = `Not ready yet (${err.message}); trying again in ${wait} s.`;
      setTimeout(load, wait * 1000);
    } else {
      status.textContent = `Could not load the outlook: ${err.message}`;
    }
  }
}

function init() {
  $("#sentiment-form").addEventListener("submit", score);
  $("#headlines").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("#sentiment-form").requestSubmit();
  });
  $("#token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    token = $("#token").value.trim();
    sessionStorage.setItem("apiToken", token);
    $("#token-form").hidden = true;
    load();
  });
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(redraw);
  });
  for (const id of Object.keys(VIEWS)) $(`#${id}`).addEventListener("click", () => chooseView(id));
  load();
}

init();
