"""The analysts' report: the page as written, then opened in headless Chromium (charts, filters, evidence, no script runs).

The browser tests skip with the reason when Chromium, ChromeDriver or selenium is missing; CI installs
Debian's `chromium` and `chromium-driver` in `.ci/run`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.actors import Actor, ActorRegistry
from pipeline.cli import app
from pipeline.config import DEFAULT_ACTORS_FILE
from pipeline.report import ReportInputs, _broken_at_gaps, build_report, build_report_data, json_for_script, read_top_claims
from pipeline.store import Store
from pipeline.trends import compute_trends, load_statements
from tests.test_trends import FLIGHTS, KRG, SMUGGLERS, shift_corpus, stored_statement, write_store

CHROMIUM = Path(os.environ.get("STANCEWATCH_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("STANCEWATCH_CHROMEDRIVER", "/usr/bin/chromedriver"))
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--window-size=1400,2200",
)
SCRIPT_TEXT = "Smugglers? </script><script>window.__pwned = 'script';</script> They are <b>not</b> the cause."
IMG_TEXT = 'No, smugglers are not to blame <img src=x onerror="window.__pwned = \'img\'"> & the crisis is political.'
HOSTILE_GROUP = '<img src=x onerror="window.__pwned = \'legend\'">Hostile bloc'
runner = CliRunner()


def report_corpus() -> tuple[list, ActorRegistry]:
    """The KRG shift corpus, with hostile texts among the shift's evidence and a hostile affiliation name in the legend."""
    pairs = shift_corpus()
    pairs += [
        stored_statement("evil-script", "2021-12-28", "Masrour Barzani", {SMUGGLERS: "against", FLIGHTS: "none"}, text=SCRIPT_TEXT, source_type="tweet"),
        stored_statement("evil-img", "2021-12-29", "Nechirvan Barzani", {SMUGGLERS: "against", FLIGHTS: "none"}, text=IMG_TEXT, source_type="tweet"),
    ]
    pairs += [stored_statement(f"hostile-{i}", f"2021-10-0{i + 1}", "Hostile speaker", {FLIGHTS: "against"}, source_type="press") for i in range(3)]
    registry = ActorRegistry.from_files([DEFAULT_ACTORS_FILE])
    registry.add(Actor(name="Hostile speaker", kind="person", affiliation=HOSTILE_GROUP))
    return pairs, registry


@pytest.fixture
def report_db(tmp_path) -> Path:
    pairs, registry = report_corpus()
    return write_store(tmp_path / "report.db", pairs, registry)


@pytest.fixture
def evaluation_json(tmp_path) -> Path:
    interval = {"accuracy": [0.8, 0.9], "macro_f1": [0.7, 0.8], "f_avg": [0.6, 0.7]}
    report = {"models": {"m@aaaaaaaaaaaa": 132}, "stance": {"pairs": 924, "accuracy": 0.85, "macro_f1": 0.769, "f_avg": 0.692, "interval_95": interval},
              "stance_per_target": {SMUGGLERS: {"pairs": 132, "accuracy": 0.9, "macro_f1": 0.8, "f_avg": 0.75}},
              "calibration": {"ece": 0.019, "pairs": 924}}
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_report_page_is_self_contained_and_escapes_every_text(report_db, evaluation_json, tmp_path):
    result = runner.invoke(app, ["report", "--db", str(report_db), "--out", str(tmp_path / "r.html"), "--evaluation", str(evaluation_json),
                                 "--png-dir", str(tmp_path / "png")])
    assert result.exit_code == 0, result.output
    assert "1 shift(s)" in result.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page  # plotly.js is inside the page
    assert page.count("<script") == 3  # plotly.js, the data (JSON), the page's own script: no other
    assert "window.__pwned" in page and "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "0.692 [0.600, 0.700]" in page and "m@aaaaaaaaaaaa" in page
    assert 'id="evaluation-model"' not in page  # the evaluation scored this store's model
    assert 'id="claims-note"' in page  # no claims stored: the section says so
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == ["smuggling-networks-are-to-blame.png", "suspending-flights-to-minsk.png"]
    assert (tmp_path / "png" / "smuggling-networks-are-to-blame.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_target_without_a_reported_point_still_gets_its_chart(tmp_path):
    pairs, registry = report_corpus()
    pairs += [stored_statement(f"visa-{i}", f"2021-11-1{i}", "Masrour Barzani", {"Visa rules": "none"}) for i in range(3)]
    db = write_store(tmp_path / "visa.db", pairs, registry)
    build_report(db, tmp_path / "r.html", "month", "affiliation", 3, "none", png_dir=tmp_path / "png")
    assert "visa-rules.png" in {p.name for p in (tmp_path / "png").iterdir()}


def test_png_lines_stop_at_periods_without_a_reported_point(report_db):
    trends = compute_trends(load_statements(report_db), period="month", group_by="affiliation", min_count=3)
    cells = trends.aggregates[trends.aggregates["reported"] & (trends.aggregates["group"] == KRG) & (trends.aggregates["target"] == SMUGGLERS)]
    broken = _broken_at_gaps(cells.sort_values("period_start"))
    assert [str(day.date()) for day in broken["period_start"]] == ["2021-09-01", "2021-10-01", "2021-11-01", "2021-12-01"]
    assert broken["net_index"].isna().tolist() == [False, False, True, False]
    flights = trends.aggregates[trends.aggregates["reported"] & (trends.aggregates["target"] == FLIGHTS)]
    every_month = next(series for _, series in flights.groupby("group") if len(series) == 4)
    assert not _broken_at_gaps(every_month.sort_values("period_start"))["net_index"].isna().any()


def test_the_date_range_takes_in_statements_dated_to_a_month_only(tmp_path):
    from corpus.schema import ArticleOrigin
    from pipeline.ingest import Article

    month_only, record = stored_statement("in-june", None, "Fuad Hussein", {FLIGHTS: "favor"})
    month_only = month_only.model_copy(update={"origin": ArticleOrigin(article_id="art-1", start=0, end=10, period="2021-06")})
    with Store(tmp_path / "m.db") as store:
        store.write_article(Article(id="art-1", text="Hussein said in June that ..."), store.start_run(["article"], "m"))
    db = write_store(tmp_path / "m.db", [stored_statement("dated", "2021-10-20", "Fuad Hussein", {FLIGHTS: "favor"}), (month_only, record)])
    data, _ = build_report_data(ReportInputs(load_statements(db), db, "month", "affiliation", 1, "none"))
    assert (data["meta"]["first_date"], data["meta"]["last_date"]) == ("2021-06-01", "2021-10-20")


def test_json_in_a_script_element_cannot_close_it():
    encoded = json_for_script({"text": "</script><!-- & -->"})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"text": "</script><!-- & -->"}


def test_statements_without_a_speaker_or_an_actor_keep_the_page_data_valid_json(tmp_path):
    pairs, registry = report_corpus()
    pairs += [stored_statement(f"anon-{i}", f"2021-11-1{i}", None, {FLIGHTS: "against"}) for i in range(3)]
    pairs += [stored_statement("stranger", "2021-11-15", "Someone Unknown", {FLIGHTS: "favor"})]
    db = write_store(tmp_path / "anon.db", pairs, registry)
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    data = page.split('<script type="application/json" id="report-data">', 1)[1].split("</script>", 1)[0]

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} in the page data: the browser's JSON.parse rejects it")

    statements = json.loads(data, parse_constant=refuse)["statements"]
    assert statements["anon-0"]["speaker"] is None and statements["stranger"]["actor"] is None


def test_claims_come_from_the_store_when_it_has_them(report_db):
    connection = sqlite3.connect(report_db)
    with connection:  # the store's claims table belongs to the claims component: a minimal one, with what the report reads
        connection.execute("DROP TABLE IF EXISTS claims")
        connection.execute('CREATE TABLE claims (statement_id TEXT, start INTEGER, "end" INTEGER, score REAL, checkworthy INTEGER)')
        connection.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?)", [
            ("evil-script", 0, 25, 0.9, 1), ("evil-img", 0, 30, 0.8, 1), ("krg-10-01", 0, 9, 0.99, 0),
        ])
    connection.close()
    rows, note = read_top_claims(report_db)
    assert note is None
    assert [(who, score, claim) for who, _date, score, claim, _sid in rows] == [
        ("Masrour Barzani", 0.9, SCRIPT_TEXT[:25]), ("Nechirvan Barzani", 0.8, IMG_TEXT[:30]),
    ]


def test_a_store_without_claims_table_gets_a_note(report_db):
    connection = sqlite3.connect(report_db)
    with connection:
        connection.execute("DROP TABLE IF EXISTS claims")
    connection.close()
    assert read_top_claims(report_db) == ([], "This store has no claims table yet: claims appear here once the pipeline stores them.")


def test_an_evaluation_of_another_model_is_flagged_not_passed_off_as_this_one(report_db, evaluation_json, tmp_path):
    other = json.loads(evaluation_json.read_text()) | {"models": {"stance-tfidf@0123456789ab": 132}}
    evaluation_json.write_text(json.dumps(other), encoding="utf-8")
    build_report(report_db, tmp_path / "r.html", "month", "affiliation", 3, "none", evaluation_json)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="evaluation-model"' in page and "scored stance-tfidf@0123456789ab, not this store's model m@aaaaaaaaaaaa" in page
    assert "Evaluation of stance-tfidf@0123456789ab" in page


def test_a_missing_evaluation_file_is_a_one_line_error(report_db, tmp_path):
    result = runner.invoke(app, ["report", "--db", str(report_db), "--out", str(tmp_path / "r.html"), "--evaluation", str(tmp_path / "no.json")])
    assert result.exit_code == 1 and "evaluation file not found" in result.output


# ----- in the browser ---------------------------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        pytest.skip(f"no headless browser: {', '.join(missing)} missing (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _points(driver) -> int:
    return driver.execute_script("return document.querySelectorAll('#charts .scatterlayer .trace .points path.point').length")


def _wait(driver, condition: str, timeout: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(f"return {condition}"))


def _choose(driver, select_id: str, *values: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    select = Select(driver.find_element(By.ID, select_id))
    if select.is_multiple:
        select.deselect_all()
    for value in values:
        select.select_by_value(value)


def test_report_renders_filters_and_shows_evidence_in_chromium(browser, report_db, evaluation_json, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    out = tmp_path / "report.html"
    build_report(report_db, out, "month", "affiliation", 3, "none", evaluation_json)
    browser.get(out.as_uri())
    _wait(browser, "document.body.dataset.ready === 'true'")

    # Charts render with data points, one chart per target, and nothing came over the network.
    assert browser.execute_script("return document.querySelectorAll('#charts .chart .main-svg').length") >= 2
    all_points = _points(browser)
    assert all_points == 9  # KRG on smugglers: Sep, Oct, Dec and the shift star; flights: Iraq x4, the hostile bloc x1
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    legend = browser.execute_script("return Array.from(document.querySelectorAll('.legendtext')).map(n => n.textContent)")
    assert HOSTILE_GROUP in legend  # shown as text, not parsed as an element
    # November has too few KRG statements for a point: the line stops there instead of joining October to December.
    krg_line = browser.execute_script(
        "return document.querySelector(\"#charts .chart[data-target='Smuggling networks are to blame']\").data"
        f".filter(t => t.mode === 'lines+markers' && t.name === {json.dumps(KRG)}).map(t => [t.x, t.y])")
    assert [x[:7] for x in krg_line[0][0]] == ["2021-09", "2021-10", "2021-11", "2021-12"] and krg_line[0][1][2] is None
    assert None not in krg_line[0][1][:2] + krg_line[0][1][3:]

    # The shift star opens the statements before and after it, hostile texts as plain text.
    star = browser.find_element(By.CSS_SELECTOR, "#charts .chart[data-target='Smuggling networks are to blame'] .scatterlayer .trace:last-child path.point")
    ActionChains(browser).move_to_element(star).click().perform()
    _wait(browser, "document.querySelectorAll('#evidence .statement').length > 0")
    heading = browser.find_element(By.CSS_SELECTOR, "#evidence-body h3").text
    assert heading.startswith(f"Shift: {KRG} on {SMUGGLERS}, toward against")
    shown = browser.execute_script("return Array.from(document.querySelectorAll('#evidence .statement')).map(n => n.dataset.id)")
    assert {"krg-10-01", "krg-12-03", "evil-script", "evil-img"} <= set(shown)
    texts = browser.execute_script("return Array.from(document.querySelectorAll('#evidence blockquote')).map(n => n.textContent)")
    assert SCRIPT_TEXT in texts and IMG_TEXT in texts
    assert browser.execute_script("return document.querySelectorAll('#evidence script, #evidence img, #evidence b').length") == 0
    browser.save_screenshot(str(tmp_path / "report-shift-evidence.png"))

    # The shifts table opens the same evidence; a plain point opens its own cell's statements.
    browser.execute_script("document.getElementById('evidence-body').replaceChildren()")
    browser.find_element(By.CSS_SELECTOR, "#shifts-body button.shift-evidence").click()
    assert browser.find_element(By.CSS_SELECTOR, "#evidence-body h3").text == heading
    flights = browser.find_elements(By.CSS_SELECTOR, "#charts .chart[data-target='Suspending flights to Minsk'] .scatterlayer .trace path.point")
    ActionChains(browser).move_to_element(flights[0]).click().perform()
    _wait(browser, "document.querySelector('#evidence-body h3').textContent.includes('Suspending flights to Minsk')")
    assert browser.execute_script("return document.querySelectorAll('#evidence .statement').length") in (3, 4)

    # Filters change what is drawn: one actor group, one target, one source type, a date range.
    _choose(browser, "actor-filter", KRG)
    krg_points = _points(browser)
    assert 0 < krg_points < all_points
    _choose(browser, "target-filter", FLIGHTS)
    assert browser.execute_script("return document.querySelectorAll('#charts .chart').length") == 0  # KRG never reaches the minimum there
    _choose(browser, "actor-filter")
    _choose(browser, "target-filter", SMUGGLERS)
    assert browser.execute_script("return document.querySelectorAll('#charts .chart').length") == 1
    _choose(browser, "source-filter", "tweet")
    assert browser.execute_script("return document.querySelectorAll('#charts .chart').length") == 0  # two tweets: under the minimum
    _choose(browser, "source-filter", "all")
    before = _points(browser)
    browser.execute_script("const d = document.getElementById('date-to'); d.value = '2021-10-31'; d.dispatchEvent(new Event('change'));")
    assert 0 < _points(browser) < before
    assert browser.execute_script("return document.getElementById('shifts-none').hidden") is False  # the December shift is out of range
    browser.find_element(By.ID, "reset-filters").click()
    assert _points(browser) == all_points

    # Level switch: per actor, the series are the speakers.
    _choose(browser, "level-filter", "actor")
    options = browser.execute_script("return Array.from(document.getElementById('actor-filter').options).map(o => o.value)")
    assert "Masrour Barzani" in options and KRG not in options

    browser.save_screenshot(str(tmp_path / "report.png"))
    keep = os.environ.get("STANCEWATCH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for name in ("report-shift-evidence.png", "report.png"):
            shutil.copy(tmp_path / name, Path(keep) / name)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert browser.execute_script("return window.__pwned === undefined")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
