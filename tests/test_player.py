"""The HTML player (writer, pipeline, a real headless Chromium), notebook display, and stills.

Browser tests drive Debian's ``chromium`` through Playwright (no browser download); they are
skipped, with the reason, when either is missing.
"""

import base64
import html as htmllib
import io
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import nnviz
from nnviz.cli import cli
from nnviz.export import open_writer
from nnviz.export.html import HtmlWriter, read_player
from nnviz.notebook import Animation, Player
from nnviz.render import animate, build_layout, select_steps
from nnviz.render.grid import panel_title, snapshot_grid

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def frames_rgb(n, size=(64, 48), seed=0):
    rng = np.random.default_rng(seed)
    base = np.zeros((size[1], size[0], 3), np.uint8) + 255
    out = []
    for i in range(n):
        f = base.copy()
        f[8:40, 4 + 4 * i: 20 + 4 * i] = rng.integers(0, 255, 3)  # a block that moves
        out.append(f)
    return out


def decode(b: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(b)).convert("RGB"))


def assert_self_contained(text: str):
    assert not re.search(r"https?://", text), "the player must not reference any URL"
    assert "<link" not in text and "@import" not in text
    # every src/href is inline data (or an in-page anchor)
    for m in re.finditer(r"""\b(?:src|href)\s*=\s*["']([^"']*)""", text):
        assert m.group(1).startswith(("data:", "#")), m.group(0)


@pytest.fixture(scope="module")
def log2_trace(tmp_path_factory):
    """Moons with tensors at 0, 1, 3, 7, ..., 127 and the last step 128."""
    path = tmp_path_factory.mktemp("player") / "moons-log2.h5"
    return nnviz.train("moons", trace=path, record="log2")


@pytest.fixture(scope="module")
def log2_player(log2_trace, tmp_path_factory):
    out = tmp_path_factory.mktemp("player") / "run.html"
    animate(log2_trace, out, size=(480, 360))
    return out


@pytest.fixture(scope="module")
def full_player(moons_trace, tmp_path_factory):
    """All 129 recorded steps of the seed-003 moons run, default size."""
    out = tmp_path_factory.mktemp("player") / "moons-full.html"
    animate(moons_trace, out)
    return out


# ----------------------------------------------------------------------------- the writer

def test_writer_is_registered_for_html(tmp_path):
    with open_writer(tmp_path / "a.html") as w:
        assert isinstance(w, HtmlWriter)
        for i, f in enumerate(frames_rgb(3)):
            w.write(f, step=i)
    with open_writer(tmp_path / "b.HTM") as w:
        assert isinstance(w, HtmlWriter)
        w.write(frames_rgb(1)[0])


def test_writer_frames_roundtrip_and_self_contained(tmp_path):
    frames = frames_rgb(6)
    with open_writer(tmp_path / "p.html", fps=7, image_format="png") as w:
        for i, f in enumerate(frames):
            w.write(f, step=10 * i)
    text = (tmp_path / "p.html").read_text()
    assert_self_contained(text)
    assert text.startswith("<!DOCTYPE html>") and text.count("<script") == 3  # fit, data, player
    d = read_player(tmp_path / "p.html")
    assert d["n_frames"] == 6 and d["size"] == (64, 48) and d["fps"] == 7 and d["mime"] == "image/png"
    assert d["steps"] == [0, 10, 20, 30, 40, 50]
    assert d["labels"] == [f"step {10 * i}" for i in range(6)]  # no meta: the step only
    for i, f in enumerate(frames):  # PNG is lossless
        np.testing.assert_array_equal(decode(d["images"][d["frame_image"][i]]), f)


def test_webp_frames_are_close_and_identical_frames_stored_once(tmp_path):
    frames = frames_rgb(4)
    seq = [frames[0], frames[1], frames[1], frames[2], frames[0], frames[3]]
    with open_writer(tmp_path / "w.html") as w:
        for f in seq:
            w.write(f)
    d = read_player(tmp_path / "w.html")
    assert d["n_frames"] == 6 and d["n_images"] == 4 and d["mime"] == "image/webp"
    assert d["frame_image"] == [0, 1, 1, 2, 0, 3]
    assert d["labels"][2] == "frame 3"  # no steps given
    for i, f in enumerate(seq):
        got = decode(d["images"][d["frame_image"][i]])
        assert got.shape == f.shape and np.abs(got.astype(int) - f).mean() < 4


def test_labels_and_curve_come_from_meta(tmp_path):
    steps = np.arange(0, 50)
    loss = 1.0 / (1.0 + steps)
    acc = np.linspace(0.5, 1.0, 50)
    meta = {"steps": steps, "loss": loss, "accuracy": acc, "title": "demo </script><b>x"}
    with open_writer(tmp_path / "m.html", meta=meta) as w:
        for k, f in zip([0, 7, 49, 60], frames_rgb(4)):
            w.write(f, step=k)
    text = (tmp_path / "m.html").read_text()
    assert "<title>demo &lt;/script&gt;&lt;b&gt;x</title>" in text
    assert text.count("</script>") == 3  # the title cannot close a script
    d = read_player(tmp_path / "m.html")
    assert d["labels"][1] == f"step 7 · loss {loss[7]:.4g} · accuracy {acc[7]:.1%}"
    assert d["labels"][3].startswith("step 60 · loss 0.02 ")  # after the last meta step: its values
    c = d["curve"]
    assert c["steps"] == list(range(50)) and [s["name"] for s in c["series"]] == ["loss", "accuracy"]
    np.testing.assert_allclose(c["series"][0]["values"], loss, rtol=1e-5)


def test_long_curves_are_thinned_but_keep_spikes(tmp_path):
    steps = np.arange(100_000)
    loss = np.exp(-steps / 20000.0)
    loss[54_321] = 5.0  # one spike
    with open_writer(tmp_path / "l.html", meta={"steps": steps, "loss": loss}) as w:
        w.write(frames_rgb(1)[0], step=54_321)
    d = read_player(tmp_path / "l.html")
    c = d["curve"]
    assert len(c["steps"]) <= 1300 and 54_321 in c["steps"] and max(c["series"][0]["values"]) == 5.0
    assert d["labels"] == ["step 54321 · loss 5"]
    assert os.path.getsize(tmp_path / "l.html") < 100_000


def test_multi_run_meta(tmp_path):
    meta = {"steps": [0, 1, 2], "loss": {"a": [3.0, 2.0, 1.0], "b": [4.0, 3.5]},
            "accuracy": {"a": [0.5, 0.75, 1.0], "b": [0.5, 0.5]}}
    with open_writer(tmp_path / "r.html", meta=meta) as w:
        for k, f in enumerate(frames_rgb(3)):
            w.write(f, step=k)
    d = read_player(tmp_path / "r.html")
    assert d["labels"][1] == "step 1\na: loss 2, accuracy 75.0%\nb: loss 3.5, accuracy 50.0%"
    assert d["labels"][2] == "step 2\na: loss 1, accuracy 100.0%"  # run b has ended
    assert [s["name"] for s in d["curve"]["series"]] == ["a loss", "b loss"]


@pytest.mark.parametrize("opts, msg", [
    ({"image_format": "jpeg"}, "image_format"),
    ({"quality": 0}, "quality"),
    ({"fit": "page"}, "fit"),
    ({"meta": {"steps": [0, 1], "loss": [1.0]}}, "one value per step"),
    ({"meta": {"steps": [0, 2, 1], "loss": [1, 2, 3]}}, "increasing"),
    ({"meta": {"loss": [1, 2]}}, "no meta['steps']"),
    ({"meta": {"steps": [0], "los": [1]}}, "unknown key"),
    ({"meta": [1, 2]}, "must be a dict"),
])
def test_bad_options_are_one_line_errors(tmp_path, opts, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        open_writer(tmp_path / "x.html", **opts)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_error_inside_writer_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with open_writer(tmp_path / "x.html") as w:
            w.write(frames_rgb(1)[0])
            raise RuntimeError("boom")
    assert not list(tmp_path.iterdir())


def test_dark_frames_give_a_dark_page(tmp_path):
    f = np.full((48, 64, 3), (22, 24, 29), np.uint8)
    with open_writer(tmp_path / "d.html") as w:
        w.write(f)
    text = (tmp_path / "d.html").read_text()
    assert "background:#16181d" in text and "color:#eeeeee" in text


# ----------------------------------------------------------------------------- the pipeline

def test_animate_to_html_numbers_are_the_trace(log2_trace, log2_player):
    tr = log2_trace
    d = read_player(log2_player)
    steps = select_steps(tr, None)
    assert d["steps"] == steps == [0, 1, 3, 7, 15, 31, 63, 127, 128]
    assert d["size"] == (480, 360)
    for k, label in zip(steps, d["labels"]):
        assert label == f"step {k} · loss {tr.loss[k]:.4g} · accuracy {tr.accuracy[k]:.1%}"
    c = d["curve"]
    assert c["steps"] == tr.all_steps.tolist()
    np.testing.assert_allclose(c["series"][0]["values"], tr.loss, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(c["series"][1]["values"], tr.accuracy, rtol=1e-5)
    # the frames are the layout's frames (boundary only: the player draws the loss curve itself)
    frame7 = decode(d["images"][d["frame_image"][3]])
    ref = dict(build_layout([tr], ["boundary"], size=(480, 360), title="moons").frames([7]))[7]
    assert np.abs(frame7.astype(int) - ref).mean() < 3


def test_full_moons_player_is_small(moons_trace, full_player):
    d = read_player(full_player)
    assert d["n_frames"] == len(moons_trace.steps) == 129
    size = os.path.getsize(full_player)
    assert size < 4_000_000, f"{size / 1e6:.1f} MB"  # measured about 2.5-3 MB
    assert_self_contained(full_player.read_text())


def test_cli_animate_html_and_multi_run(tmp_path, log2_trace):
    out = tmp_path / "cmp.html"
    r = run("animate", log2_trace.path, log2_trace.path, "-o", out, "--size", "320x240", "-q")
    assert r.exit_code == 0, r.output
    d = read_player(out)
    assert d["n_frames"] == 9 and "\nmoons-log2 (1): loss " in d["labels"][1]


# ----------------------------------------------------------------------------- notebooks

def test_show_returns_an_iframe_player(log2_trace, tmp_path):
    p = nnviz.show(log2_trace, steps=[0, 1, 3, 7], size=(320, 240))
    assert isinstance(p, Player) and p.n_frames == 4 and p.size == (320, 240)
    h = p._repr_html_()
    m = re.fullmatch(r'<iframe srcdoc="([^"]*)" .*></iframe>', h, re.S)
    assert m, h[:200]
    assert htmllib.unescape(m.group(1)) == p.html  # the whole page, escaped into the attribute
    assert "<script" not in h.replace(m.group(1), "")  # nothing for the notebook to sanitize
    assert_self_contained(p.html)
    saved = p.save(tmp_path / "p.html")
    assert read_player(saved)["steps"] == [0, 1, 3, 7]
    assert nnviz.show(log2_trace, steps=[0, 1]).n_frames == 2


def test_animate_returns_inline_gif_and_video(log2_trace, tmp_path):
    a = nnviz.animate(log2_trace, steps=[0, 1, 3], size=(320, 240))
    assert isinstance(a, Animation) and a.path is None
    h = a._repr_html_()
    b64 = re.search(r'src="data:image/gif;base64,([^"]+)"', h).group(1)
    gif = Image.open(io.BytesIO(base64.b64decode(b64)))
    assert gif.n_frames == 3 and gif.size == (320, 240)
    v = nnviz.animate(log2_trace, tmp_path / "m.mp4", steps=[0, 1, 3, 7], size=(320, 240))
    assert os.fspath(v) == str(tmp_path / "m.mp4") and (tmp_path / "m.mp4").exists()
    assert '<video src="data:video/mp4;base64,' in v._repr_html_()
    s = nnviz.animate(log2_trace, tmp_path / "s.png", size=(320, 240))
    assert 'src="data:image/png;base64,' in s._repr_html_()
    p = nnviz.animate(log2_trace, tmp_path / "p.html", steps=[0, 1])
    assert isinstance(p, Player) and p.path == tmp_path / "p.html"
    with pytest.raises(ValueError, match="unknown format"):
        nnviz.animate(log2_trace, format="avi")
    with pytest.raises(AttributeError):
        nnviz.no_such_thing  # noqa: B018


def test_example_notebook_is_valid():
    nb_path = Path(__file__).parents[1] / "examples" / "notebook.ipynb"
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
    nb = nbformat.read(nb_path, as_version=4)
    nbformat.validate(nb)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "nnviz.show(" in code and ".save(" in code and "nnviz.animate(" in code


# ----------------------------------------------------------------------------- stills

def test_frames_png_pattern_are_the_animation_frames(tmp_path, log2_trace):
    pattern = tmp_path / "m-{step:03d}.png"
    r = run("frames", log2_trace.path, "--frames", "0,1,3,7", "-o", pattern, "--size", "320x240", "-q")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in tmp_path.glob("m-*.png"))
    assert names == ["m-000.png", "m-001.png", "m-003.png", "m-007.png"]
    ref = dict(build_layout([log2_trace], None, size=(320, 240), title="moons").frames([7]))[7]
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "m-007.png").convert("RGB")), ref)


def test_frames_default_log2_and_vector_stills(tmp_path, log2_trace):
    r = run("frames", log2_trace.path, "-o", tmp_path / "p-{step:03d}.png", "--size", "240x180", "-q")
    assert r.exit_code == 0, r.output  # default steps: log2
    pngs = sorted(p.name for p in tmp_path.glob("p-*.png"))
    assert pngs == [f"p-{k:03d}.png" for k in (0, 1, 3, 7, 15, 31, 63, 127)]  # 2^k - 1 only
    r = run("frames", log2_trace.path, "-o", tmp_path / "v-{step}.svg", "--frames", "3,7", "-q")
    assert r.exit_code == 0, r.output
    for k in (3, 7):
        root = ET.parse(tmp_path / f"v-{k}.svg").getroot()
        assert root.tag.endswith("svg")
    r = run("frames", log2_trace.path, "-o", tmp_path / "one.pdf", "--frames", "7", "-q")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "one.pdf").read_bytes()[:5] == b"%PDF-"


def test_frames_grid_like_seed_003(tmp_path, log2_trace):
    out = tmp_path / "grid.png"
    r = run("frames", log2_trace.path, "--grid", "-o", out, "--dpi", 60, "-q")
    assert r.exit_code == 0, r.output
    im = np.asarray(Image.open(out).convert("RGB"))  # 8 panels: 4 x 2
    assert im.shape[1] == pytest.approx(4 * 2.7 * 60, abs=4) and im.shape[0] == pytest.approx(2 * 2.5 * 60, abs=4)
    assert im.std() > 20
    for suffix in (".svg", ".pdf"):
        r = run("frames", log2_trace.path, "--grid", "--frames", "0,7", "-o", tmp_path / f"g{suffix}", "-q")
        assert r.exit_code == 0 and (tmp_path / f"g{suffix}").stat().st_size > 1000
    fig = snapshot_grid(log2_trace, [0, 1, 3, 7, 15, 31, 63, 127])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [panel_title(log2_trace, k) for k in (0, 1, 3, 7, 15, 31, 63, 127)]
    assert titles[3] == f"step 7, loss {log2_trace.loss[7]:.3g}"


@pytest.mark.parametrize("args, msg", [
    (["--frames", "0,1", "-o", "one.png"], "need a {step} field"),
    (["--grid", "-o", "g-{step}.png"], "--grid draws ONE figure"),
    (["-o", "x-{step}.gif"], "must end in .png, .svg or .pdf"),
    (["--frames", "5000", "-o", "x-{step}.png"], "selects no recorded step"),
    (["--grid", "--view", "boundary,loss", "-o", "g.png"], "single --view"),
])
def test_frames_errors(tmp_path, log2_trace, args, msg):
    args = [a if not a.endswith((".png", ".gif")) else str(tmp_path / a) for a in args]
    r = run("frames", log2_trace.path, *args)
    assert r.exit_code != 0 and msg in r.output, r.output


def test_frames_warns_about_unrecorded_steps(tmp_path, log2_trace):
    r = CliRunner().invoke(cli, ["frames", str(log2_trace.path), "--frames", "0,5,7", "-o",
                                 str(tmp_path / "w-{step}.png"), "-q"])
    assert r.exit_code == 0 and "step 5 has no recorded tensors" in r.output
    assert sorted(p.name for p in tmp_path.glob("w-*.png")) == ["w-0.png", "w-7.png"]


# ----------------------------------------------------------------------------- a real browser

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    pg = browser.new_page(viewport={"width": 760, "height": 760})
    pg.errors, pg.requests = [], []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.requests.append(r.url) if not r.url.startswith("data:") else None)
    yield pg
    pg.close()


def canvas_pixels(pg, frame="#nnviz-frame"):
    uri = pg.eval_on_selector(frame, "c => c.toDataURL('image/png')")
    return decode(base64.b64decode(uri.split(",", 1)[1]))


def test_browser_keys_play_curve_and_screenshot(page, log2_player, tmp_path):
    pg = page
    url = log2_player.as_uri()
    pg.goto(url)
    pg.wait_for_function("document.getElementById('nnviz-player').dataset.step === '0'")
    d = read_player(log2_player)
    assert pg.inner_text("#nnviz-label") == d["labels"][0]
    for _ in range(3):
        pg.keyboard.press("ArrowRight")
    label = pg.inner_text("#nnviz-label")
    assert label.startswith("step 7 ·") and label == d["labels"][3]  # the 4th recorded step
    assert pg.get_attribute("#nnviz-player", "data-frame") == "3"
    assert pg.input_value("#nnviz-slider") == "3"
    # the canvas shows that frame's pixels
    pg.wait_for_timeout(100)
    shown = canvas_pixels(pg)
    want = decode(d["images"][d["frame_image"][3]])
    assert np.abs(shown.astype(int) - want).mean() < 2
    assert np.abs(shown.astype(int) - decode(d["images"][d["frame_image"][0]])).mean() > 2
    pg.keyboard.press("ArrowLeft")
    assert pg.get_attribute("#nnviz-player", "data-step") == "3"
    pg.keyboard.press("End")
    assert pg.get_attribute("#nnviz-player", "data-step") == "128"
    pg.keyboard.press("Home")
    assert pg.get_attribute("#nnviz-player", "data-frame") == "0"
    # play: the frame advances by itself, and pauses
    pg.click("#nnviz-play")
    pg.wait_for_function("+document.getElementById('nnviz-player').dataset.frame >= 2", timeout=5000)
    pg.click("#nnviz-play")
    assert pg.get_attribute("#nnviz-player", "data-playing") == "false"
    # space plays (also with the play button focused: no double toggle), space pauses
    pg.keyboard.press("Home")
    pg.keyboard.press(" ")
    assert pg.get_attribute("#nnviz-player", "data-playing") == "true"
    pg.keyboard.press(" ")
    assert pg.get_attribute("#nnviz-player", "data-playing") == "false"
    # clicking the curve near its right end jumps to the last frame, near the left to the first
    box = pg.locator("#nnviz-curve").bounding_box()
    pg.mouse.click(box["x"] + box["width"] - 12, box["y"] + box["height"] / 2)
    assert pg.get_attribute("#nnviz-player", "data-step") == "128"
    pg.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)  # left of the axis: step 0
    assert pg.get_attribute("#nnviz-player", "data-step") == "0"
    # the slider scrubs
    pg.fill("#nnviz-slider", "5")
    assert pg.get_attribute("#nnviz-player", "data-step") == "31"
    # a screenshot that is not blank
    shot = tmp_path / "player.png"
    pg.screenshot(path=str(shot))
    im = np.asarray(Image.open(shot).convert("RGB"))
    assert im.std() > 25 and len(np.unique(im.reshape(-1, 3), axis=0)) > 200
    assert pg.errors == [] and pg.requests == [url]  # no script error, nothing fetched


def test_browser_player_in_a_notebook_iframe(page, log2_trace, tmp_path):
    p = nnviz.show(log2_trace, steps=[0, 1, 3, 7, 15], size=(320, 240))
    outer = tmp_path / "notebook.html"
    outer.write_text("<!DOCTYPE html><html><body><div style='width:480px'>" + p._repr_html_()
                     + "</div><p id='after'>next cell</p></body></html>")
    page.goto(outer.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("#nnviz-label").wait_for()
    frame.locator("#nnviz-frame").click()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert frame.locator("#nnviz-label").inner_text().startswith("step 7 ·")
    # the iframe was grown (or shrunk) to the player: the next cell starts right below it
    player_h = frame.locator("#nnviz-player").bounding_box()["height"]
    iframe_h = page.locator("iframe").bounding_box()["height"]
    assert abs(iframe_h - player_h) < 12, (iframe_h, player_h)
    assert page.errors == []


def test_browser_fits_the_viewport_for_slides(browser, full_player):
    pg = browser.new_page(viewport={"width": 1000, "height": 520})
    pg.goto(full_player.as_uri())
    pg.wait_for_selector("#nnviz-label")
    bottom = pg.eval_on_selector("#nnviz-curve", "e => e.getBoundingClientRect().bottom")
    assert bottom <= 520  # controls, label and curve stay on screen in a short iframe/slide
    pg.close()


@pytest.mark.parametrize("viewport", [(1920, 1080), (1280, 720)])
def test_browser_player_fills_a_projector_screen(browser, log2_player, viewport):
    """On a 1080p (or 720p) screen the frame fills the window, not a 640-pixel stamp in its middle."""
    w, h = viewport
    pg = browser.new_page(viewport={"width": w, "height": h})
    pg.goto(log2_player.as_uri())
    pg.wait_for_selector("#nnviz-label")
    box = pg.locator("#nnviz-frame").bounding_box()
    bottom = pg.eval_on_selector("#nnviz-curve", "e => e.getBoundingClientRect().bottom")
    assert bottom <= h + 1  # the controls and the curve stay on screen
    assert box["height"] >= 0.8 * h - 165 or box["width"] >= 0.95 * w  # limited by the window only
    assert box["width"] > 480 * 1.5  # larger than the frames' own pixels (log2_player: 480x360)
    # the controls' text grows with the screen (1.8 % of its height, at least 14 px), the curve's too
    label = float(pg.eval_on_selector("#nnviz-label", "e => parseFloat(getComputedStyle(e).fontSize)"))
    tick = float(pg.eval_on_selector("#nnviz-curve text", "e => parseFloat(getComputedStyle(e).fontSize)"))
    assert label >= max(14, 0.0175 * h) and tick >= 0.74 * label
    pg.close()


def test_browser_fullscreen_button(browser, log2_player):
    pg = browser.new_page(viewport={"width": 1280, "height": 720})
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(log2_player.as_uri())
    pg.wait_for_selector("#nnviz-fullscreen")
    assert pg.get_attribute("#nnviz-fullscreen", "aria-label") == "full screen"
    assert pg.locator("#nnviz-fullscreen").is_visible()
    pg.click("#nnviz-fullscreen")
    pg.wait_for_function("document.fullscreenElement === document.getElementById('nnviz-player')", timeout=5000)
    full = pg.evaluate("[window.innerWidth, window.innerHeight]")
    box = pg.locator("#nnviz-frame").bounding_box()
    assert box["height"] >= full[1] - 180 or box["width"] >= full[0] - 30  # the frame fills the screen
    assert pg.get_attribute("#nnviz-fullscreen", "aria-label") == "leave full screen"
    pg.keyboard.press("f")  # the key toggles it back
    pg.wait_for_function("document.fullscreenElement === null", timeout=5000)
    assert pg.errors == []
    pg.close()


def test_cli_player_frames_are_sharp_on_a_projector(tmp_path, log2_trace):
    out = tmp_path / "p.html"
    r = run("animate", log2_trace.path, "-o", out, "--frames", "0,1,3", "-q")
    assert r.exit_code == 0, r.output
    d = read_player(out)
    assert d["size"][1] >= 915  # the frame's height on a 1920x1080 screen, under the controls


def test_browser_plain_frames_without_meta(page, tmp_path):
    """Any frames (no steps, no scalars, one frame or PNG) give a working page without a curve."""
    for name, frames, opts in [("one.html", frames_rgb(1), {}), ("png.html", frames_rgb(3), {"image_format": "png"})]:
        with open_writer(tmp_path / name, **opts) as w:
            for f in frames:
                w.write(f)
        page.goto((tmp_path / name).as_uri())
        page.wait_for_selector("#nnviz-label")
        assert page.inner_text("#nnviz-label") == "frame 1"
        assert not page.locator("#nnviz-curve").is_visible()
        page.keyboard.press("End")
        assert page.inner_text("#nnviz-label") == f"frame {len(frames)}"
        page.click("#nnviz-play")  # plays from the start again, or does nothing for one frame
        page.wait_for_timeout(50)
    assert page.errors == []
