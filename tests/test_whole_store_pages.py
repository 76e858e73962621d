"""Answers that could hold a whole store: `targets` a page at a time (--limit N --after KEY, `next` in --json), and
above LISTED_AT_ONCE (10,000; here 2) unpaged `targets`, `diff` and the audit ask for pages instead of holding
everything (tests/test_whole_store_memory.py measures what they held)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

PROJECT = "hanoi-urban-rail"


def pages(cli: Cli, *args: str) -> tuple[list[Any], int]:
    """Every target, a page of one at a time; and how many pages."""
    targets: list[Any] = []
    after: tuple[str, ...] = ()
    count = 0
    while True:
        page = cli.json("targets", *args, "--limit", "1", *after)
        count += 1
        assert page["after"] == (after[1] if after else None)
        targets += page["targets"]
        if page["next"] is None:
            return targets, count
        assert page["next"] == page["targets"][-1]["key"]
        after = ("--after", page["next"])


@pytest.mark.parametrize("args", [(), ("--project", PROJECT), ("--as-of", "2024-12-31")], ids=" ".join)
def test_targets_pages_joined_are_the_unpaged_answer(cli: Cli, sample_store: Any, args: tuple[str, ...]) -> None:
    whole = cli.json("targets", *args)
    targets, count = pages(cli, *args)
    assert targets == whole["targets"]
    assert count == max(len(targets), 1)
    assert "next" not in whole and "after" not in whole  # the unpaged JSON is unchanged


def test_a_printed_page_of_targets_ends_with_how_to_continue(cli: Cli, sample_store: Any) -> None:
    first = cli.json("targets", "--limit", "1")["targets"][0]["key"]
    printed = cli.ok("targets", "--limit", "1").stdout
    assert printed.endswith(f"-- more: run the same command with --after {first} for the next page\n")
    assert first not in cli.ok("targets", "--limit", "1", "--after", first).stdout.split("┩")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("targets",),
            "4 targets are too many to list at once; list them a page at a time with --limit 1000 (each page ends "
            "with the --after for the next); or narrow them with --project or --partner",
        ),
        (
            ("targets", "--project", PROJECT),
            "3 targets, in Hanoi urban railway network are too many to list at once; list them a page at a time "
            "with --limit 1000 (each page ends with the --after for the next); or narrow them with --project or "
            "--partner",
        ),
        (
            ("diff", "--from", "2020", "--to", "2025"),
            "the facts changing between 2020-12-31 and 2025-12-31 are too many to list at once; list them a page "
            "at a time with --limit 1000 (each page ends with the --after for the next); or narrow --from and --to",
        ),
    ],
)
def test_unpaged_answers_above_the_cap_ask_for_pages(
    cli: Cli, sample_store: Any, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    from timeline import paging

    monkeypatch.setattr(paging, "LISTED_AT_ONCE", 2)
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (2, f"error: {message}\n")
    assert cli.json(*args, "--limit", "2")["next"] is not None  # a page is answered


def test_an_audit_of_more_events_than_the_cap_asks_for_pages_of_changes(
    cli: Cli, sample_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline import paging

    monkeypatch.setattr(paging, "LISTED_AT_ONCE", 2)
    result = cli("diff", "--recorded-from", "2000-01-01", "--recorded-to", "2100-01-01")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert (
        " events recorded from 2000-01-01T00:00:00 to 2100-01-01T00:00:00 are too many to list at once; list them a "
        "page at a time with `timeline changes --since 2000-01-01T00:00:00 --limit 1000`"
    ) in result.stderr
    assert cli.json("changes", "--since", "2000-01-01T00:00:00", "--limit", "2")["next"] is not None


def test_json_is_written_in_pieces_with_the_same_bytes() -> None:
    """`--json` printed the text `json.dumps` built: the encoder's fragments, about ten times the text, were held
    at once (targets at 60,000 facts: 124 MiB); they are now written a piece at a time, the bytes unchanged."""
    from timeline.present.canonical import PIECE, canonical_json, canonical_pieces

    value = {"z": [{"b": "ầ" * 50, "a": i, "n": None, "f": 1.5} for i in range(3000)], "a": {"x": []}}
    pieces = list(canonical_pieces(value))
    assert "".join(pieces) == canonical_json(value)
    assert len(pieces) > 2 and all(PIECE <= len(piece) < 2 * PIECE for piece in pieces[:-1])
