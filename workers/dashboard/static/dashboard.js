// Khabar's dashboard: polls /api/state and draws it. No framework; text goes in with textContent only
// (titles and names come from the feed), sparklines are inline SVG drawn here.
"use strict";

(function () {
  const POLL_MS = 3000;
  const SVG = "http://www.w3.org/2000/svg";
  const TYPE_NAMES = {
    PER: ["People", "أشخاص"],
    LOC: ["Places", "أماكن"],
    ORG: ["Organisations", "منظمات"],
    MISC: ["Other", "أخرى"],
  };
  let chosenWindow = "bucket";
  let lastState = null;

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }

  // Text in its own direction: Arabic gets dir="rtl" lang="ar", the rest is left as it is.
  function textOf(tag, text, dir, className) {
    const rtl = dir === "rtl";
    return el(tag, { text: text, class: className, dir: rtl ? "rtl" : "ltr", lang: rtl ? "ar" : null });
  }

  // A sparkline of `values` (null: unknown, not drawn): a line through the known points, broken at the
  // unknown ones, an area under it, and a dot on the last known point.
  function sparkline(values, width, height, label) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    const title = document.createElementNS(SVG, "title");
    title.textContent = label;
    svg.appendChild(title);
    const base = document.createElementNS(SVG, "line");
    base.setAttribute("class", "base");
    base.setAttribute("x1", 0);
    base.setAttribute("x2", width);
    base.setAttribute("y1", height - 1);
    base.setAttribute("y2", height - 1);
    svg.appendChild(base);
    const known = values.filter((v) => v !== null && v !== undefined);
    if (!known.length) return svg;
    const top = Math.max(...known, 1e-9);
    const pad = 2;
    const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
    const x = (i) => pad + i * step;
    const y = (v) => height - 1 - (v / top) * (height - 2 * pad);
    let runs = [];
    let run = [];
    values.forEach((v, i) => {
      if (v === null || v === undefined) {
        if (run.length) runs.push(run);
        run = [];
      } else run.push([x(i), y(v)]);
    });
    if (run.length) runs.push(run);
    for (const points of runs) {
      const line = points.map(([px, py], i) => `${i ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`).join("");
      if (points.length > 1) {
        const area = document.createElementNS(SVG, "path");
        area.setAttribute("class", "area");
        const first = points[0][0].toFixed(1);
        const last = points[points.length - 1][0].toFixed(1);
        area.setAttribute("d", `${line}L${last},${height - 1}L${first},${height - 1}Z`);
        svg.appendChild(area);
        const path = document.createElementNS(SVG, "path");
        path.setAttribute("class", "line");
        path.setAttribute("d", line);
        svg.appendChild(path);
      }
    }
    const lastRun = runs[runs.length - 1];
    const [lx, ly] = lastRun[lastRun.length - 1];
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("class", "dot");
    dot.setAttribute("cx", lx.toFixed(1));
    dot.setAttribute("cy", ly.toFixed(1));
    dot.setAttribute("r", 2);
    svg.appendChild(dot);
    return svg;
  }

  function number(value, digits) {
    if (value === null || value === undefined) return "–";
    return Number(value).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function time(iso) {
    if (!iso) return "";
    return iso.replace("T", " ").replace(/:\d\dZ$/, " UTC").replace(/Z$/, " UTC");
  }

  // A window as people read it: "2026-12-01 16:10–16:20 UTC" (the end's date too when it differs).
  function span(start, end) {
    if (!start || !end) return "";
    const [startDay, startTime] = time(start).split(" ");
    const [endDay, endTime] = time(end).split(" ");
    return `${startDay} ${startTime}–${endDay === startDay ? "" : endDay + " "}${endTime} UTC`;
  }

  function replace(container, children) {
    container.replaceChildren(...children);
  }

  function drawStatus(state) {
    const status = document.getElementById("status");
    const problem = state.status.problem;
    status.classList.toggle("problem", Boolean(problem));
    const read = state.status.read || {};
    const counts = `${read.enriched || 0} enriched and ${read.trends || 0} trend records read`;
    status.textContent = problem
      ? `${problem} (since ${time(state.status.since)}) — showing what was read before`
      : `updated ${time(state.generated_at)} · ${counts}`;
  }

  function drawThroughput(throughput) {
    const share = [];
    const enriched = throughput.series.enriched || [];
    const dead = throughput.series.dead_letter || [];
    for (let i = 0; i < enriched.length; i++) {
      const handled = (enriched[i] || 0) + (dead[i] || 0);
      share.push(enriched[i] === null || dead[i] === null ? null : handled ? dead[i] / handled : 0);
    }
    for (const tile of document.querySelectorAll("#throughput .tile")) {
      const role = tile.dataset.rate;
      const value = tile.querySelector(".value");
      const total = tile.querySelector(".total");
      const spark = tile.querySelector(".spark");
      if (role === "share") {
        const s = throughput.dead_letter_share;
        value.textContent = s === null ? "–" : `${number(100 * s, 1)} %`;
        total.textContent = "of enriched + dead-lettered";
        replace(spark, [sparkline(share, 110, 34, "dead-letter share over time")]);
      } else {
        value.textContent = number(throughput.rates[role], 1);
        const t = throughput.totals[role];
        total.textContent = t === null || t === undefined ? "topic not found yet" : `${number(t, 0)} in the topic`;
        replace(spark, [sparkline(throughput.series[role] || [], 110, 34, `${role} records per second over time`)]);
      }
    }
  }

  function drawTrends(trends) {
    const container = document.getElementById("trend-types");
    const types = trends.by_window[chosenWindow] || [];
    if (!types.length) {
      replace(container, [el("p", { class: "empty", text: `no closed ${chosenWindow} window read yet` })]);
      return;
    }
    replace(
      container,
      types.map((type) => {
        const [english, arabic] = TYPE_NAMES[type.type] || [type.type, ""];
        const heading = el("h3", {}, [
          el("span", {}, [el("span", { text: `${english} ` }), el("span", { text: arabic, lang: "ar", dir: "rtl" })]),
          el("span", { class: "when", text: span(type.start, type.end) }),
        ]);
        const rows = type.top.map((entity) => {
          const change = entity.change || 0;
          return el("tr", {}, [
            el("td", { class: "rank", text: String(entity.rank) }),
            el("td", { class: "name" }, [textOf("span", entity.text, entity.dir, "entity-name")]),
            el("td", { class: "num", text: number(entity.mentions, 0), title: "mentions" }),
            el("td", {
              class: `num ${change > 0 ? "rise" : change < 0 ? "fall" : ""}`,
              text: `${change > 0 ? "+" : ""}${number(change, 0)}`,
              title: "change against the window one bucket earlier",
            }),
            el("td", { class: "num", text: number(entity.score, 1), title: "score against its own baseline" }),
            el("td", { class: "spark" }, [
              sparkline(entity.series, 96, 24, `${entity.text}: mentions over the last ${entity.series.length} windows`),
            ]),
          ]);
        });
        const head = el("tr", {}, [
          el("th", { text: "" }),
          el("th", { text: "" }),
          el("th", { class: "num", text: "mentions" }),
          el("th", { class: "num", text: "change" }),
          el("th", { class: "num", text: "score" }),
          el("th", { text: "recent windows" }),
        ]);
        for (const th of head.children) th.setAttribute("scope", "col");
        return el("article", { class: "type", "data-type": type.type }, [
          heading,
          el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)]),
        ]);
      })
    );
  }

  function drawStories(stories) {
    const list = document.getElementById("story-list");
    document.getElementById("stories-grouping").textContent =
      stories.grouped_by === "story_id" ? "(grouped by story_id)" : "(each article its own story until story_id is published)";
    if (!stories.items.length) {
      replace(list, [el("li", { class: "empty", text: "no enriched article read yet" })]);
      return;
    }
    replace(
      list,
      stories.items.map((story) => {
        const outlets = el(
          "ul",
          { class: "outlets" },
          story.outlets.map((outlet) => {
            const chip = textOf("li", `${outlet.name} · ${outlet.articles}`, outlet.dir, "outlet");
            return chip;
          })
        );
        const meta = el("div", { class: "story-meta" }, [
          el("span", { text: `${story.articles} article${story.articles === 1 ? "" : "s"}` }),
          el("span", { text: `${story.duplicates} duplicate${story.duplicates === 1 ? "" : "s"}` }),
          el("span", { text: `latest ${time(story.latest)}` }),
          outlets,
        ]);
        const articles = el(
          "ul",
          { class: "story-articles" },
          story.latest_articles.map((article) => {
            const item = textOf("li", article.title || article.id, article.dir, "story-article");
            if (article.source) item.appendChild(textOf("span", article.source, article.dir, "source"));
            if (article.duplicate_of) item.appendChild(el("span", { class: "tag", text: "duplicate" }));
            return item;
          })
        );
        return el("li", { class: "story", "data-story": story.story_id }, [
          textOf("h3", story.title || story.story_id, story.dir, "story-title"),
          meta,
          story.articles > 1 ? articles : null,
        ]);
      })
    );
  }

  function draw(state) {
    lastState = state;
    drawStatus(state);
    drawThroughput(state.throughput);
    drawTrends(state.trends);
    drawStories(state.stories);
    document.body.dataset.ready = "true";
  }

  async function poll() {
    try {
      const answer = await fetch("/api/state", { cache: "no-store" });
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      draw(await answer.json());
    } catch (error) {
      const status = document.getElementById("status");
      status.classList.add("problem");
      status.textContent = `the dashboard server does not answer (${error.message}); trying again`;
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll(".windows button")) {
      button.addEventListener("click", () => {
        chosenWindow = button.dataset.window;
        for (const other of document.querySelectorAll(".windows button")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
        if (lastState) drawTrends(lastState.trends);
      });
    }
    poll();
  });
})();
