(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("nnviz-data").textContent);
  var C = D.colors, n = D.image.length;
  var root = document.getElementById("nnviz-player");
  var canvas = document.getElementById("nnviz-frame"), ctx = canvas.getContext("2d");
  var slider = document.getElementById("nnviz-slider"), speedSel = document.getElementById("nnviz-speed");
  var label = document.getElementById("nnviz-label"), counter = document.getElementById("nnviz-counter");
  var playBtn = document.getElementById("nnviz-play"), svg = document.getElementById("nnviz-curve");
  var SVGNS = svg.namespaceURI;  // the HTML parser puts inline <svg> in the SVG namespace
  var cur = 0, playing = false, speed = 1, lastTime = 0;

  // Frames: decoded lazily by the browser from the embedded data URIs.
  var imgs = D.images.map(function (b64) {
    var im = new Image();
    im.src = "data:" + D.mime + ";base64," + b64;
    return im;
  });

  function draw() {
    var im = imgs[D.image[cur]];
    if (im.complete && im.naturalWidth) {
      ctx.drawImage(im, 0, 0, canvas.width, canvas.height);
    } else {
      im.addEventListener("load", function () { if (imgs[D.image[cur]] === im) draw(); }, {once: true});
    }
  }

  function show(i) {
    i = Math.max(0, Math.min(n - 1, Math.round(i)));
    cur = i;
    draw();
    slider.value = String(i);
    label.textContent = D.label[i];
    counter.textContent = "frame " + (i + 1) + " / " + n;
    root.setAttribute("data-frame", String(i));
    root.setAttribute("data-step", D.step[i] === null ? "" : String(D.step[i]));
    moveCursor();
  }

  function setPlaying(p) {
    playing = p;
    root.setAttribute("data-playing", p ? "true" : "false");
    playBtn.setAttribute("aria-label", p ? "pause" : "play");
  }
  function play() {
    if (n < 2) return;
    if (cur >= n - 1) show(0);
    setPlaying(true);
    lastTime = performance.now();
    requestAnimationFrame(tick);
  }
  function pause() { setPlaying(false); }
  function toggle() { if (playing) pause(); else play(); }
  function tick(t) {
    if (!playing) return;
    var dt = 1000 / (D.fps * speed);
    if (t - lastTime >= dt) {
      lastTime = (t - lastTime > 4 * dt) ? t : lastTime + dt;  // keep time, but never race to catch up
      if (cur + 1 >= n) {
        if (D.loop) show(0); else { pause(); return; }
      } else {
        show(cur + 1);
      }
    }
    requestAnimationFrame(tick);
  }
  function stepBy(k) { pause(); show(cur + k); }

  document.getElementById("nnviz-first").addEventListener("click", function () { pause(); show(0); });
  document.getElementById("nnviz-prev").addEventListener("click", function () { stepBy(-1); });
  document.getElementById("nnviz-next").addEventListener("click", function () { stepBy(1); });
  document.getElementById("nnviz-last").addEventListener("click", function () { pause(); show(n - 1); });
  playBtn.addEventListener("click", toggle);
  slider.addEventListener("input", function () { pause(); show(+slider.value); });
  speedSel.addEventListener("change", function () { speed = +speedSel.value || 1; });
  var fullBtn = document.getElementById("nnviz-fullscreen");
  function toggleFullscreen() {  // the player alone fills the screen (a projector, a slide)
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(function () { /* refused (an iframe without allowfullscreen) */ });
    }
  }
  if (!document.fullscreenEnabled) fullBtn.style.display = "none";  // e.g. an iframe that forbids it
  fullBtn.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", function () {
    fullBtn.setAttribute("aria-label", document.fullscreenElement ? "leave full screen" : "full screen");
    setTimeout(function () { reserveLabel(); buildCurve(); }, 60);
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && e.target !== slider)) return;
    switch (e.key) {
      case "ArrowRight": case "ArrowUp": stepBy(1); break;
      case "ArrowLeft": case "ArrowDown": stepBy(-1); break;
      case " ": case "Spacebar": case "k": if (!e.repeat) toggle(); break;
      case "Home": pause(); show(0); break;
      case "End": pause(); show(n - 1); break;
      case "f": case "F": toggleFullscreen(); break;
      default: return;
    }
    e.preventDefault();
  });
  // a focused button would also "click" on the space key's release
  document.addEventListener("keyup", function (e) { if (e.key === " " || e.key === "Spacebar") e.preventDefault(); });

  // ---------------------------------------------------------------- loss curve
  var CV = D.curve, geom = null, cursorLine = null, cursorDot = null;
  function color(c) { return C[c] || c; }
  function el(name, attrs, parent) {
    var e = document.createElementNS(SVGNS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace("e+", "e");
    return String(+v.toPrecision(3));
  }
  function bsearch(xs, x) {  // index of the last xs[i] <= x (0 if none)
    var lo = 0, hi = xs.length - 1;
    if (x <= xs[0]) return 0;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function buildCurve() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    geom = null;
    if (!CV || !CV.steps.length) { svg.style.display = "none"; return; }  // no scalars: no curve
    var W = svg.clientWidth || canvas.clientWidth || D.width, H = svg.clientHeight || 100;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var hasRight = CV && CV.series.some(function (s) { return s.axis === "right"; });
    var u = (parseFloat(getComputedStyle(svg).fontSize) || 14) / 14;  // the font grows with the window
    var m = {l: 44 * u, r: (hasRight ? 38 : 10) * u, t: 8 * u, b: 17 * u};
    var x0 = m.l, x1 = W - m.r, y0 = H - m.b, y1 = m.t;
    var steps = CV.steps;
    var smin = Math.min(steps[0], D.step[0] || 0), smax = Math.max(steps[steps.length - 1], 1);
    var xs = function (s) { return x0 + (x1 - x0) * (s - smin) / Math.max(smax - smin, 1e-9); };
    // left axis: loss
    var lo = Infinity, hi = -Infinity, log = CV && CV.log;
    (CV ? CV.series : []).forEach(function (s) {
      if (s.axis !== "left") return;
      s.values.forEach(function (v) { if (v !== null && (!log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (!log) { lo = Math.min(lo, 0); if (hi <= lo) hi = lo + 1; }
    else { if (hi <= lo) hi = lo * 10; }
    var tr = log ? function (v) { return Math.log10(Math.max(v, lo)); } : function (v) { return v; };
    var tlo = tr(lo), thi = tr(hi);
    var ysL = function (v) { return y0 - (y0 - y1) * (tr(v) - tlo) / (thi - tlo); };
    var ysR = function (v) { return y0 - (y0 - y1) * v; };
    // frame grid and axes
    el("rect", {x: x0, y: y1, width: Math.max(0, x1 - x0), height: Math.max(0, y0 - y1), fill: "none", stroke: C.grid}, svg);
    if (D.step.length > 1 && (x1 - x0) / D.step.length >= 5) {  // where the frames are, if sparse enough to see
      var ticks = el("path", {stroke: C.muted, "stroke-width": 1, opacity: 0.55}, svg), d = "";
      D.step.forEach(function (s) { if (s !== null) d += "M" + xs(s).toFixed(1) + " " + y0 + "v4"; });
      ticks.setAttribute("d", d);
    }
    el("text", {x: x0 - 4 * u, y: y1 + 8 * u, "text-anchor": "end"}, svg).textContent = fmt(hi);
    el("text", {x: x0 - 4 * u, y: y0, "text-anchor": "end"}, svg).textContent = fmt(lo);
    el("text", {x: x0 - 4 * u, y: (y0 + y1) / 2 + 4 * u, "text-anchor": "end"}, svg).textContent = "loss";
    el("text", {x: x0, y: H - 2 * u, "text-anchor": "start"}, svg).textContent = "step " + smin;
    el("text", {x: x1, y: H - 2 * u, "text-anchor": "end"}, svg).textContent = String(smax);
    if (hasRight) {
      el("text", {x: x1 + 4 * u, y: y1 + 8 * u, fill: C.accuracy, style: "fill:" + C.accuracy}, svg).textContent = "100%";
      el("text", {x: x1 + 4 * u, y: y0, style: "fill:" + C.accuracy}, svg).textContent = "0%";
      el("text", {x: x1 + 4 * u, y: (y0 + y1) / 2 + 4 * u, style: "fill:" + C.accuracy}, svg).textContent = "acc";
    }
    // series, with a legend centred in the bottom row
    var legend = [];
    (CV ? CV.series : []).forEach(function (s) {
      var ys = s.axis === "right" ? ysR : ysL, d = "", pen = false;
      for (var i = 0; i < CV.steps.length; i++) {
        var v = s.values[i];
        if (v === null || (log && s.axis === "left" && !(v > 0))) { pen = false; continue; }
        d += (pen ? "L" : "M") + xs(CV.steps[i]).toFixed(1) + " " + ys(v).toFixed(1);
        pen = true;
      }
      var a = {d: d, fill: "none", stroke: color(s.color), "stroke-width": (s.axis === "right" ? 1.2 : 1.5) * u,
               "stroke-linejoin": "round", opacity: s.axis === "right" ? 0.85 : 1};
      if (s.dash) a["stroke-dasharray"] = "4 3";
      el("path", a, svg);
      var t = el("text", {x: 0, y: H - 2 * u, style: "fill:" + color(s.color)}, svg);
      t.textContent = (s.dash ? "- - " : "\u2014 ") + s.name;
      legend.push(t);
    });
    if (legend.length > 1) {
      var widths = legend.map(function (t) { return t.getComputedTextLength ? t.getComputedTextLength() : 6 * t.textContent.length; });
      var total = widths.reduce(function (a, b) { return a + b; }, 0) + 14 * u * (legend.length - 1);
      var lx = (x0 + x1) / 2 - total / 2;
      legend.forEach(function (t, i) { t.setAttribute("x", lx.toFixed(1)); lx += widths[i] + 14 * u; });
    } else {
      legend.forEach(function (t) { t.parentNode.removeChild(t); });
    }
    cursorLine = el("line", {y1: y1, y2: y0, stroke: C.cursor, "stroke-width": 1.5 * u}, svg);
    cursorDot = el("circle", {r: 3.5 * u, fill: C.cursor}, svg);
    geom = {xs: xs, ysL: ysL, x0: x0, x1: x1, smin: smin, smax: smax, log: log, lo: lo};
    moveCursor();
  }
  function moveCursor() {
    if (!geom || !cursorLine) return;
    var s = D.step[cur];
    if (s === null) { cursorLine.setAttribute("visibility", "hidden"); cursorDot.setAttribute("visibility", "hidden"); return; }
    var x = Math.max(geom.x0, Math.min(geom.x1, geom.xs(s))).toFixed(1);
    cursorLine.setAttribute("x1", x); cursorLine.setAttribute("x2", x);
    cursorLine.setAttribute("visibility", "visible");
    var v = null;
    if (CV && CV.series.length && CV.series[0].axis === "left") v = CV.series[0].values[bsearch(CV.steps, s)];
    if (v === null || (geom.log && !(v > 0))) { cursorDot.setAttribute("visibility", "hidden"); return; }
    cursorDot.setAttribute("cx", x); cursorDot.setAttribute("cy", geom.ysL(v).toFixed(1));
    cursorDot.setAttribute("visibility", "visible");
  }
  function frameAtX(clientX) {
    var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
    var x = (clientX - r.left) * (vb && vb.width ? vb.width / r.width : 1);
    var s = geom.smin + (geom.smax - geom.smin) * (x - geom.x0) / Math.max(geom.x1 - geom.x0, 1);
    var best = 0, bd = Infinity;
    for (var i = 0; i < n; i++) {
      if (D.step[i] === null) continue;
      var dd = Math.abs(D.step[i] - s);
      if (dd < bd) { bd = dd; best = i; }
    }
    return best;
  }
  var dragging = false;
  svg.addEventListener("pointerdown", function (e) {
    if (!geom) return;
    dragging = true;
    try { svg.setPointerCapture(e.pointerId); } catch (err) {}
    pause(); show(frameAtX(e.clientX));
    e.preventDefault();
  });
  svg.addEventListener("pointermove", function (e) { if (dragging && geom) show(frameAtX(e.clientX)); });
  svg.addEventListener("pointerup", function () { dragging = false; });
  svg.addEventListener("pointercancel", function () { dragging = false; });

  // ------------------------------------------------------------------ sizing
  function reserveLabel() {  // room for the longest label, so nothing below jumps while playing
    var longest = D.label.reduce(function (a, b) { return b.length > a.length ? b : a; }, "");
    label.style.minHeight = "";
    label.textContent = longest;
    var h = label.offsetHeight;
    label.textContent = D.label[cur];
    if (h) label.style.minHeight = h + "px";
  }
  function fitFrame() {  // notebooks: grow the enclosing iframe to the player
    if (document.documentElement.className.indexOf("nnviz-fit-width") < 0) return;
    try {
      var fe = window.frameElement;
      if (fe) fe.style.height = Math.ceil(root.getBoundingClientRect().bottom + window.scrollY + 2) + "px";
    } catch (err) { /* cross-origin parent: keep the given height */ }
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { reserveLabel(); buildCurve(); fitFrame(); }, 60);
  });

  buildCurve();
  show(0);
  reserveLabel();
  fitFrame();
  if (D.autoplay) play();
  window.nnvizPlayer = {show: show, play: play, pause: pause, get frame() { return cur; }, get n() { return n; }};
})();
