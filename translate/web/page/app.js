// The page of `translate serve`: it sends the post to /v1/handout, shows the JSON it gets side by side,
// lets a person correct English sentences in place, and downloads through /v1/render. Everything it
// needs is served by the tool itself.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let handout = null;
  let keyRequired = false;

  function headers(extra) {
    const key = $("api-key").value.trim();
    const all = Object.assign({}, extra || {});
    if (key) all["X-API-Key"] = key;
    return all;
  }

  function say(text, isError) {
    $("status").textContent = text;
    $("status").classList.toggle("error", Boolean(isError));
  }

  async function errorOf(response) {
    try { return (await response.json()).error || response.statusText; } catch (e) { return response.statusText; }
  }

  fetch("/frontend/settings").then((r) => r.json()).then((settings) => {
    keyRequired = settings.keyRequired;
    $("key-row").hidden = !keyRequired;
    $("url-row").hidden = !settings.fetchUrls;  // only where the server fetches pages (--fetch-urls)
  }).catch(() => {});

  // Progress: the server reports the round in progress (sentences translated of its total) on /health.
  let polling = null;
  function watchProgress(started) {
    const bar = $("progress");
    bar.hidden = false;
    bar.removeAttribute("value");
    polling = setInterval(async () => {
      const seconds = Math.round((Date.now() - started) / 1000);
      try {
        const health = await (await fetch("/health")).json();
        const round = health.round;
        if (round && round.total) {
          bar.max = round.total;
          bar.value = round.done;
          const what = { translate: "Translating", retry: "Checking flagged sentences again", summarize: "Summarizing" }[round.stage] || "Working";
          say(`${what}: ${round.done} of ${round.total} sentences (${seconds} s)`);
          return;
        }
      } catch (e) { /* the answer will say */ }
      say(`Working… (${seconds} s)`);
    }, 500);
  }
  function stopProgress() {
    clearInterval(polling);
    $("progress").hidden = true;
  }

  $("post-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = $("post-file").files[0];
    const text = $("post-text").value;
    const url = $("post-url").value.trim();
    if (!file && !text.trim() && !url) { say("Paste a post or choose a file first.", true); $("post-text").focus(); return; }
    let body, contentType = {};
    if (file) {
      body = new FormData();
      body.append("file", file);
    } else if (url && !text.trim()) {
      body = JSON.stringify({ url: url });
      contentType = { "Content-Type": "application/json" };
    } else {
      body = JSON.stringify({ text: text, name: "post.txt" });
      contentType = { "Content-Type": "application/json" };
    }
    $("translate").disabled = true;
    watchProgress(Date.now());
    try {
      const response = await fetch("/v1/handout?format=json", { method: "POST", body: body, headers: headers(contentType) });
      if (!response.ok) { say(await errorOf(response), true); return; }
      handout = await response.json();
      show(handout);
      say(`Translated ${countSentences(handout)} sentences.`);
      $("result-title").focus();
    } catch (e) {
      say("The server could not be reached: " + e.message, true);
    } finally {
      stopProgress();
      $("translate").disabled = false;
    }
  });

  const drop = $("drop-zone");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) { $("post-file").files = e.dataTransfer.files; say(`Chosen: ${e.dataTransfer.files[0].name}`); }
  });

  function countSentences(doc) {
    return doc.paragraphs.reduce((n, p) => n + p.sentences.length, 0);
  }

  function sentenceSpan(sentence, side, id, pIndex, sIndex) {
    const span = document.createElement("span");
    span.className = "s";
    span.dataset.pair = id;
    if (side === "sv") {
      span.textContent = sentence.source;
    } else {
      span.textContent = sentence.translation || "";
      span.contentEditable = "true";
      span.tabIndex = 0;
      span.setAttribute("role", "textbox");
      span.setAttribute("aria-label", `English of sentence ${id}`);
      if (sentence.revised) span.classList.add("revised");
      if (sentence.flags && sentence.flags.length && !sentence.revised) {
        span.classList.add("flagged");
        span.title = "Checked automatically: " + sentence.flags.join(", ");
      }
      span.addEventListener("input", () => {
        const target = handout.paragraphs[pIndex].sentences[sIndex];
        target.translation = span.textContent;
        span.classList.add("revised");
        span.classList.remove("flagged");
      });
      span.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); span.blur(); } });
    }
    return span;
  }

  function show(doc) {
    $("result").hidden = false;
    $("result-title").textContent = doc.title ? doc.title.source : "Your post";
    $("result-title").lang = doc.title ? "sv" : "";
    $("result-title").tabIndex = -1;
    $("result-title-en").textContent = doc.title ? doc.title.translation : "";
    const summary = doc.summary && doc.summary.text;
    $("summary").hidden = !summary;
    $("summary-text").textContent = summary || "";
    const pairs = $("pairs");
    pairs.replaceChildren();
    doc.paragraphs.forEach((paragraph, pIndex) => {
      const row = document.createElement("div");
      row.className = "pair " + (paragraph.kind || "paragraph");
      const number = document.createElement("div");
      number.className = "n";
      number.textContent = `§${pIndex + 1}`;
      row.appendChild(number);
      for (const side of ["sv", "en"]) {
        const column = document.createElement("div");
        column.lang = side;
        paragraph.sentences.forEach((sentence, sIndex) => {
          if (sIndex) column.appendChild(document.createTextNode(" "));
          column.appendChild(sentenceSpan(sentence, side, `${pIndex + 1}.${sIndex + 1}`, pIndex, sIndex));
        });
        row.appendChild(column);
      }
      pairs.appendChild(row);
    });
  }

  // Pointing at (or focusing) a sentence lights its counterpart.
  function light(event, on) {
    const span = event.target.closest && event.target.closest(".s");
    if (!span) return;
    document.querySelectorAll(`.s[data-pair="${span.dataset.pair}"]`).forEach((s) => s.classList.toggle("lit", on));
  }
  $("pairs").addEventListener("mouseover", (e) => light(e, true));
  $("pairs").addEventListener("mouseout", (e) => light(e, false));
  $("pairs").addEventListener("focusin", (e) => light(e, true));
  $("pairs").addEventListener("focusout", (e) => light(e, false));

  $("download").addEventListener("click", async () => {
    if (!handout) return;
    const format = $("download-format").value;
    say(`Making the ${format.toUpperCase()}…`);
    try {
      const response = await fetch(`/v1/render?format=${format}`, {
        method: "POST", body: JSON.stringify(handout), headers: headers({ "Content-Type": "application/json" }),
      });
      if (!response.ok) { say(await errorOf(response), true); return; }
      const disposition = response.headers.get("Content-Disposition") || "";
      const match = /filename="([^"]+)"/.exec(disposition);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = match ? match[1] : `handout.${format}`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      say(`Downloaded ${link.download}.`);
    } catch (e) {
      say("The download failed: " + e.message, true);
    }
  });
})();
