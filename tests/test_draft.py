"""`timeline draft`: rule tables from the seeds, verbatim quotes, no boilerplate, check after review, recall."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from timeline.drafting import (
    Published,
    draft,
    find_dates,
    find_numbers,
    guess_language,
    outlet_for,
    publication,
    split_page,
)
from timeline.service import draft_article, sample_paths, validate_files

SEEDS = Path("/work/shared/seeds")
OWN = Path(__file__).parent / "articles"
ENTITIES = list(validate_files(sample_paths()[:1]).entities)
SAMPLE = list(validate_files(sample_paths()).facts)


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(prefix + "_*.txt"))


# Publication dates given by the user for pages that carry no stamp (from the sample's `reported`).
PUBLISHED = {"000": "2022-03", "001": None, "002": "2025?", "003": "2024-07-02", "004": None}

needs_seeds = pytest.mark.skipif(not SEEDS.exists(), reason="seed articles not available")


@pytest.mark.parametrize(
    "name, text, want",
    [
        ("vna date stamp", " date 2022-03-24 A view of Hanoi", "2022-03-24"),
        ("hnp time stamp", "Title\n\nHuy Kiên 19:37 05/12/2025\n", "2025-12-05"),
        ("english dateline", "Title\nMay 25, 2022 | 09:10 AM\n", "2022-05-25"),
        ("nothing said", "Tiêu đề\nNgày 23/3, ông A tiếp ông B.", None),
    ],
)
def test_publication_date(name: str, text: str, want: str | None) -> None:
    assert publication(text).edtf == want


P22 = Published("2022-03-24", "test")
P24 = Published("2024-07-02", "test")
P25 = Published("2025-12-05", "test")
P25Y = Published("2025?", "test")
NONE = Published(None, "test")


@pytest.mark.parametrize(
    "name, text, pub, lang, want",
    [
        (
            "vi day/month takes the publication year",
            "Ngày 23/3, Bí thư tiếp Đại sứ",
            P22,
            "vi",
            ("2022-03-23", "event"),
        ),
        ("vi 5/12 day first", "Ngày 5/12, tại Khách sạn Lotte", P25, "vi", ("2025-12-05", "event")),
        ("vi no year stays partial", "Ngày 23/3, Bí thư tiếp Đại sứ", NONE, "vi", ("XXXX-03-23", "event")),
        (
            "en today [July 2]",
            "during a meeting, today [July 2].",
            Published("2024", "t"),
            "en",
            ("2024-07-02", "event"),
        ),
        ("en March 23", "Dung on March 23 hosted a reception", P22, "en", ("2022-03-23", "event")),
        ("en July 2", "the talks on July 2 covered", P24, "en", ("2024-07-02", "event")),
        ("vi hôm nay", "Liên quan tới Diễn đàn ngày hôm nay", P25, "vi", ("2025-12-05", "event")),
        ("en today", "signed today", P24, "en", ("2024-07-02", "event")),
        ("vi năm sau", "chào mừng kỷ niệm vào năm sau.", P22, "vi", ("2023", "relyear")),
        ("en next year", "will open next year", P22, "en", ("2023", "relyear")),
        ("en this year", "growth this year", P22, "en", ("2022", "relyear")),
        ("vi quarter", "hoàn thành vào quý IV/2032", P22, "vi", ("2032-10/2032-12", "horizon")),
        ("vi horizon", "mục tiêu đến năm 2045, tầm nhìn 2065 sẽ có", P25Y, "vi", ("2045", "horizon")),
        ("vi giai đoạn đến", "Trong giai đoạn đến 2030, Hà Nội phấn đấu", P25Y, "vi", ("2030", "horizon")),
        ("en in November 2023", "a delegation, in November 2023 as evidence", P24, "en", ("2023-11", "event")),
        ("vi GDP năm 2024", "GDP năm 2024 đạt hơn 3.100 tỷ", P25Y, "vi", ("2024", "year")),
        ("en on Thursday", "signed on Thursday", Published("2022-03-24", "t"), "en", ("2022-03-24", "event")),
        ("vi so far", "đến nay tiến độ giải phóng mặt bằng", P22, "vi", ("../2022-03-24", "bound")),
    ],
)
def test_date_rules(name: str, text: str, pub: Published, lang: str, want: tuple[str, str]) -> None:
    found = find_dates(text, pub, lang)
    assert (found[0].edtf, found[0].role) == want, found


def test_vision_and_same_day() -> None:
    found = find_dates("đến năm 2045, tầm nhìn 2065", P25Y, "vi")
    assert [(f.edtf, f.role) for f in found] == [("2045", "horizon"), ("2065", "vision")]
    from datetime import date

    same = find_dates("Cùng ngày, ông A tiếp ông B", P25, "vi", anchor=date(2025, 12, 3))
    assert same[0].edtf == "2025-12-03"


@pytest.mark.parametrize(
    "name, text, lang, want",
    [
        ("vi decimal comma", "phấn đấu hoàn thành 96,8 km đường sắt", "vi", [(96.8, "km", "96,8 km")]),
        (
            "vi dot thousands CNY",
            "GDP đạt hơn 3.100 tỷ nhân dân tệ (khoảng 426,7 tỷ USD)",
            "vi",
            [(3100, "billion CNY", "hơn 3.100 tỷ nhân dân tệ"), (426.7, "billion USD", "khoảng 426,7 tỷ USD")],
        ),
        ("vi 4,2 tỷ USD", "vốn 4,2 tỷ USD", "vi", [(4.2, "billion USD", "4,2 tỷ USD")]),
        (
            "en dollars",
            "a total investment of $11.3 billion from Japan",
            "en",
            [(11.3, "billion USD", "$11.3 billion")],
        ),
        ("en thousands comma", "With 1,500 projects and", "en", [(1500, "projects", "1,500 projects")]),
        ("years are not figures", "in 2023 the two countries", "en", []),
        ("durations are not figures", "kỷ niệm 50 năm thiết lập quan hệ", "vi", []),
    ],
)
def test_number_rules(name: str, text: str, lang: str, want: list[tuple[float, str, str]]) -> None:
    got = [(n.value, n.unit, n.as_written) for n in find_numbers(text, lang)]
    assert got == want


def _sidecar(path: Path) -> dict[str, object]:
    side = path.with_suffix(".facts.yaml")
    return yaml.safe_load(side.read_text(encoding="utf-8")) if side.exists() else {"reported": "hand-written"}


def _articles() -> list[tuple[str, Path, str | None]]:
    items = [(p.stem[:3], p, PUBLISHED[p.stem[:3]]) for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.exists() else []
    return items + [(p.stem, p, _sidecar(p).get("published")) for p in sorted(OWN.glob("*.txt"))]  # type: ignore[misc]


@pytest.mark.parametrize("key, path, published", _articles(), ids=lambda v: str(v)[:20])
def test_quotes_verbatim_and_never_from_boilerplate(key: str, path: Path, published: str | None) -> None:
    text = path.read_text(encoding="utf-8")
    result = draft(text, ENTITIES, published=published)
    assert result.facts
    for fact in result.facts:
        assert fact.quote in text
        assert text.find(fact.quote) < result.body_end, fact.quote


@needs_seeds
def test_boilerplate_dates_give_no_fact() -> None:
    result = draft(seed("004").read_text(encoding="utf-8"), ENTITIES)
    assert all(not f.occurred.startswith("2026") for f in result.facts)  # "Tin đọc nhiều" items of March 2026
    assert all("Ito Naoki" not in f.quote for f in result.facts)  # the 13/3 meeting in "Tin khác"
    page = split_page(seed("000").read_text(encoding="utf-8"))
    assert all("Kansai" not in s.text for s in page.sentences)


def _renamed(text: str) -> str:
    """What a reviewer must do before check accepts a draft: keep (or give) each id and drop its rename mark, and
    name every metric left as a placeholder (see timeline.intake.drafts)."""
    return text.replace("  # review: rename", "").replace("REVIEW: name the metric", "metric named by the reviewer")


def _fill(text: str) -> str:
    """What a reviewer does: replace every unknown year, and the marks above."""
    return _renamed(text).replace("XXXX", "2022")


@pytest.mark.parametrize("key, path, published", _articles(), ids=lambda v: str(v)[:20])
def test_draft_passes_check_after_review(key: str, path: Path, published: str | None, tmp_path: Path) -> None:
    out = draft_article(path, published=published, outlet="Test outlet")
    assert "# review:" in out
    target = tmp_path / "draft.yaml"
    target.write_text(_fill(out), encoding="utf-8")
    valid = validate_files([target], ENTITIES)
    assert valid.facts
    known = not key[:1].isdigit() and _sidecar(path).get("reported")  # a corpus page whose date is known
    if published or key in ("001", "004") or known:  # the date is known: valid as printed
        assert "XXXX" not in out or key == "000"
        if "XXXX" not in out:
            as_printed = tmp_path / "as-printed.yaml"
            as_printed.write_text(_renamed(out), encoding="utf-8")
            assert validate_files([as_printed], ENTITIES).facts


@needs_seeds
def test_undated_page_is_flagged_not_invented() -> None:
    out = draft_article(seed("000"), outlet="Thời Đại")
    assert "no publication date given" in out
    assert '"XXXX-03-23"' in out  # the day is read, the year left for the reviewer


def recall(key: str) -> tuple[int, int, list[str], int, int]:
    """(found, expected, missed ids, noise, drafted): noise = drafted facts that match no sample fact."""
    path = seed(key)
    text = path.read_text(encoding="utf-8")
    result = draft(text, ENTITIES, published=PUBLISHED[key])
    expected = [f for f in SAMPLE if any(s.quote and s.quote in text for s in f.sources)]

    def same_day(drafted: str, recorded: str, statistic: bool) -> bool:  # for a statistic, "by X" is "as of X"
        return drafted == recorded or statistic and drafted.removeprefix("../") == recorded.removeprefix("../")

    def matches(drafted, fact) -> bool:  # type: ignore[no-untyped-def]
        quotes = [s.quote for s in fact.sources if s.quote and s.quote in text]
        return same_day(drafted.occurred, str(fact.occurred), "statistic" in (drafted.kind, fact.kind)) and (
            drafted.kind == fact.kind or any(q in drafted.quote or drafted.quote in q for q in quotes)
        )

    missed = [fact.id for fact in expected if not any(matches(d, fact) for d in result.facts)]
    noise = sum(1 for d in result.facts if not any(matches(d, fact) for fact in expected))
    return len(expected) - len(missed), len(expected), missed, noise, len(result.facts)


@needs_seeds
def test_recall_on_the_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    rows, found_all, total_all, noise_all, drafted_all = [], 0, 0, 0, 0
    for key in sorted(PUBLISHED):
        found, total, missed, noise, drafted = recall(key)
        found_all, total_all = found_all + found, total_all + total
        noise_all, drafted_all = noise_all + noise, drafted_all + drafted
        rows.append(f"{key}: recall {found}/{total}, noise {noise}/{drafted} drafted, missed={missed}")
    with capsys.disabled():
        print(
            "\n" + "\n".join(rows) + f"\nall: recall {found_all}/{total_all} = {found_all / total_all:.2f}, "
            f"noise {noise_all}/{drafted_all} = {noise_all / drafted_all:.2f}"
        )
    assert (found_all, total_all) == (17, 17), rows  # as before the corpus was built
    assert noise_all / drafted_all <= 8 / 25, rows  # no worse than before


@needs_seeds
def test_twin_proposed_as_new_source(tmp_path: Path) -> None:
    """A store holding the sample minus the VNA source: the VNA article is proposed as a source of the meeting."""
    facts_dir = tmp_path / "facts"
    facts_dir.mkdir()
    for file in sorted((sample_paths()[1]).glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for fact in data:
            fact["sources"] = [s for s in fact["sources"] if s["outlet"] != "VNA"]
        (facts_dir / file.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    from timeline.service import ingest

    db = str(tmp_path / "t.db")
    ingest([sample_paths()[0], facts_dir], db)
    out = draft_article(seed("001"), outlet="VNA", db=db)
    assert "matches stored fact nhsc-reception-2022-03-23" in out
    target = tmp_path / "draft.yaml"
    target.write_text(_renamed(out), encoding="utf-8")
    valid = validate_files([target], ENTITIES)
    twin = next(f for f in valid.facts if f.id == "nhsc-reception-2022-03-23")
    assert [s.outlet for s in twin.sources] == ["Thời Đại (VUFO)", "VNA"]
    # with the full sample in the store, the source is already there: nothing proposed
    db2 = str(tmp_path / "full.db")
    ingest(sample_paths(), db2)
    assert "already has this article as a source" in draft_article(seed("001"), outlet="VNA", db=db2)


# --- Rules for pages the seeds do not cover (classes from the development corpus) -----------------------


@pytest.mark.parametrize(
    "name, text, pub, lang, want",
    [
        (
            "vi day range is an interval",
            "Trong các ngày từ 24 đến 26-3-2022, UBND tỉnh",
            NONE,
            "vi",
            ("2022-03-24/2022-03-26", "event"),
        ),
        ("vi 4-8/12 range takes the year", "Từ 4-8/12.Cụ thể", P25, "vi", ("2025-12-04/2025-12-08", "event")),
        (
            "en day range",
            "During the visit from December 21 – 25, the delegation",
            NONE,
            "en",
            ("XXXX-12-21/XXXX-12-25", "event"),
        ),
        ("vi dash day", "Sáng 18-1, phát biểu tại Lễ kỷ niệm", Published("2022", "t"), "vi", ("2022-01-18", "event")),
        ("vi dot day", "Ngày 26.12, đồng chí Nguyễn Ngọc Phi", NONE, "vi", ("XXXX-12-26", "event")),
        (
            "anniversary in brackets is not the date",
            "Lễ kỷ niệm 72 năm (18-1-1950 – 18-1-2022), ông A",
            P22,
            "vi",
            None,
        ),
        ("yesterday with the day in brackets", "Hôm qua (31/3), tại Osaka", NONE, "vi", ("XXXX-03-31", "event")),
        ("vào năm 2030 is a deadline", "sẽ hoàn thành vào năm 2030", P25, "vi", ("2030", "horizon")),
        ("vào năm 2014 in the past is a year", "đã bắt đầu hoạt động vào năm 2014", P22, "vi", ("2014", "year")),
        ("quarter in words", "signed in the first quarter of 2016", P22, "en", ("2016-01/2016-03", "horizon")),
        (
            "by the end of a past year is its year",
            "by the end of 2024, Da Nang has",
            Published("2025", "t"),
            "en",
            ("2024", "year"),
        ),
        ("en day and year without comma", "On April 17th 2009, the City", NONE, "en", ("2009-04-17", "event")),
        (
            "en weekday against the publication day",
            "a meeting on Monday",
            Published("2023-12-20", "t"),
            "en",
            ("2023-12-18", "event"),
        ),
        ("a span of years", "Trong giai đoạn 2021–2025, Đà Nẵng", P25, "vi", ("2021/2025", "year")),
    ],
)
def test_date_rules_unseen_pages(name: str, text: str, pub: Published, lang: str, want: tuple[str, str] | None) -> None:
    found = find_dates(text, pub, lang)
    assert ((found[0].edtf, found[0].role) if found else None) == want, found


@pytest.mark.parametrize(
    "name, text, lang, want",
    [
        ("glued km, decimal comma", "dài 11,5km", "vi", [(11.5, "km", "11,5km")]),
        ("glued ha, thousands", "rộng 4,874ha", "en", [(4874, "ha", "4,874ha")]),
        ("currency before the number", "a total of VNĐ35 trillion", "en", [(35, "trillion VND", "VNĐ35 trillion")]),
        (
            "english thousands in an English text",
            "270,000 cubic metres a day",
            "en",
            [(270000, "cubic metres", "270,000 cubic metres")],
        ),
        (
            "a count in words",
            "seven of 15 wastewater gates",
            "en",
            [(7, None, "seven of 15 wastewater"), (15, "wastewater gates", "15 wastewater gates")],
        ),
        ("a distance that places is not a figure", "located 100km north of the city", "en", []),
        ("a line number is not a figure", "Metro Line No. 1 stations", "en", []),
    ],
)
def test_number_rules_unseen_pages(name: str, text: str, lang: str, want: list[tuple[float, str, str]]) -> None:
    assert [(n.value, n.unit, n.as_written) for n in find_numbers(text, lang)] == want


def test_language_is_decided_by_words_not_diacritics() -> None:
    english = (
        "HẢI PHÒNG – The Hai Phong Economic Zone Authority and Shangyu signed a letter on May 13. Hải Phòng "
        "now boasts 210 projects in Đồ Sơn and An Dương, the HEZA said."
    )
    assert guess_language(english) == "en"
    assert guess_language("Ngày 10/7, JICA đã có buổi làm việc với lãnh đạo tỉnh Đồng Nai.") == "vi"


@pytest.mark.parametrize(
    "url, want",
    [
        ("https://e.vnexpress.net/news/business/x-4690341.html", "VnExpress International"),
        ("https://vnexpress.net/x.html", "VnExpress"),
        ("en.vietnamplus.vn/x.vnp", "VietnamPlus"),
        ("https://www.thoidai.com.vn/x.html", "Thời Đại"),
        ("https://example.org/x", None),
        (None, None),
    ],
)
def test_outlet_from_the_address(url: str | None, want: str | None) -> None:
    assert outlet_for(url) == want


def test_undated_statistic_is_as_of_publication_not_a_future_day() -> None:
    text = (
        "The metro line extends 19.7 kilometers with 14 stations.\n"
        "An inauguration ceremony will be held on December 22 with the Japanese Ambassador.\n"
    )
    result = draft(text, ENTITIES, published="2024-11-30")
    statistic = next(f for f in result.facts if f.kind == "statistic")
    assert statistic.occurred == "2024-11-30"
    ceremony = next(f for f in result.facts if f.kind == "meeting")
    assert (ceremony.occurred, ceremony.status) == ("2024-12-22", "scheduled")


def test_a_statement_at_an_event_is_that_event_not_a_new_fact() -> None:
    text = (
        "On the afternoon of January 17, the People's Committee of Da Nang City organized the Forum of Friendship "
        "Cities.\nSpeaking at the forum, Mr. Le Trung Chinh, Chairman of the People's Committee, affirmed "
        "the city's welcome to its partners.\n"
    )
    result = draft(text, ENTITIES, published="2025-01-18")
    assert [(f.kind, f.occurred) for f in result.facts] == [("meeting", "2025-01-17")]


def test_separate_meetings_on_one_day_stay_separate() -> None:
    text = (
        "Ngày 5/12, Chủ tịch UBND tỉnh Nguyễn Văn A tiếp Đại sứ Nhật Bản Ito Naoki tại trụ sở tỉnh.\n"
        "Cùng ngày, Phó Chủ tịch Trần Văn B làm việc với đoàn doanh nghiệp Hàn Quốc Samsung Electronics.\n"
    )
    result = draft(text, ENTITIES, published="2025-12-06")
    assert [(f.kind, f.occurred) for f in result.facts] == [("meeting", "2025-12-05"), ("meeting", "2025-12-05")]


def test_outlet_and_headline_in_the_draft(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "JICA president urges Vietnam to address delays in HCMC's metro project\n\n"
        "By Hoai Thu   December 18, 2023 | 02:26 am PT\n"
        "During a meeting with Prime Minister Pham Minh Chinh on Monday, Tanaka emphasized JICA's role.\n",
        encoding="utf-8",
    )
    out = draft_article(article, url="https://e.vnexpress.net/news/x-4690341.html")
    assert 'outlet: "VnExpress International"' in out
    assert 'title: "JICA president urges Vietnam to address delays in HCMC\'s metro project"' in out
    assert 'occurred: "2023-12-18"' in out and "By Hoai Thu" not in out.split("# outlet")[1]


# --- The development corpus: recall and noise on pages the rules were not written from ----------------


def test_corpus_is_real_pages_with_verbatim_facts() -> None:
    from draft_eval import ARTICLES, split

    parts = split()
    names = parts["tune"] + parts["held_out"]
    assert len(names) >= 20 and not set(parts["tune"]) & set(parts["held_out"])
    assert {n[:2] for n in parts["held_out"]} == {"en", "vi"}
    assert sorted(names) == sorted(p.name.removesuffix(".facts.yaml") for p in ARTICLES.glob("*.facts.yaml"))
    for name in names:
        text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
        sidecar = yaml.safe_load((ARTICLES / f"{name}.facts.yaml").read_text(encoding="utf-8"))
        assert sidecar["url"].startswith("http") and sidecar["facts"]
        for fact in sidecar["facts"]:
            for quote in fact["quote"] if isinstance(fact["quote"], list) else [fact["quote"]]:
                assert quote in text, (name, quote)


def test_held_out_recall_and_noise(capsys: pytest.CaptureFixture[str]) -> None:
    from draft_eval import evaluate

    with capsys.disabled():
        results = evaluate(verbose=False)
    recall, noise, _ = results["held_out"]
    assert recall >= 0.8 and noise <= 0.3, (recall, noise)
