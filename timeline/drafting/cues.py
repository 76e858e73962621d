"""Fact kinds from cue words, and the future tense. Cues match the lower-cased text with its diacritics:
folded, 'ký' (sign) would match 'kỷ' (anniversary)."""

from __future__ import annotations

import re
import unicodedata

KIND_CUES: dict[str, tuple[str, ...]] = {
    "meeting": (
        "tiếp",
        "hội đàm",
        "làm việc",
        "buổi tiếp",
        "hội kiến",
        "gặp",
        "diễn đàn",
        "hội nghị",
        "hội thảo",
        "thăm",
        "chủ trì",
        "lễ kỷ niệm",
        "chào xã giao",
        "tọa đàm",
        "met with",
        "meets",
        "meeting",
        "received",
        "receives",
        "receiving",
        "reception",
        "talks",
        "held talks",
        "visit",
        "visited",
        "forum",
        "conference",
        "hosted",
        "working session",
        "ceremony",
        "delegation",
    ),
    "appointment": (
        "bổ nhiệm",
        "nhậm chức",
        "giữ chức",
        "được bầu",
        "newly appointed",
        "new chairman",
        "appointed",
        "took office",
        "elected",
        "new ambassador",
    ),
    "agreement": (
        "ký kết",
        "ký",
        "biên bản ghi nhớ",
        "thỏa thuận",
        "hiệp định",
        "kết nghĩa",
        "mou",
        "signed",
        "sign",
        "agreement",
        "agreements",
        "memorandum",
        "upgraded",
        "nâng cấp quan hệ",
        "letter of intent",
        "sister city",
        "twinning",
        "inked",
        "agreed to provide",
    ),
    "milestone": (
        "khởi công",
        "khánh thành",
        "động thổ",
        "thông xe",
        "vận hành",
        "hoàn thành",
        "giải phóng mặt bằng",
        "chính thức khai thác",
        "đưa vào khai thác",
        "khai thác thương mại",
        "bắt đầu hoạt động",
        "broke ground",
        "groundbreaking",
        "inaugurated",
        "opened",
        "completed",
        "land clearance",
        "began operation",
        "began operating",
        "became operational",
        "put into operation",
        "initiated",
        "launched",
    ),
    "target": (
        "mục tiêu",
        "phấn đấu",
        "đến năm",
        "kế hoạch",
        "target",
        "targets",
        "aims",
        "aim to",
        "goal",
        "plans to",
        "strive",
    ),
    "statistic": (
        "gdp",
        "tỷ",
        "triệu",
        "billion",
        "million",
        "trillion",
        "tổng vốn",
        "investment",
        "kim ngạch",
        "tăng trưởng",
        "growth",
        "projects",
        "dự án",
        "km",
        "kilometers",
        "ga",
        "stations",
        "công suất",
        "capacity",
        "visitors",
        "đoàn",
        "cost",
        "costs",
        "loan",
    ),
    "announcement": (
        "đề nghị",
        "đề xuất",
        "công bố",
        "thông báo",
        "phê duyệt",
        "announced",
        "proposed",
        "announces",
        "unveiled",
        "approved",
        "urged",
        "asked",
    ),
}
FUTURE_CUES = (
    "sẽ",
    "dự kiến",
    "sắp",
    "will",
    "is expected to",
    "are expected to",
    "is scheduled",
    "is set to",
    "plans to",
)
_CUE_PATTERNS = {
    kind: re.compile(r"(?<!\w)(" + "|".join(re.escape(c.lower()) for c in cues) + r")(?!\w)")
    for kind, cues in KIND_CUES.items()
}
_FUTURE = re.compile(r"(?<!\w)(" + "|".join(re.escape(c.lower()) for c in FUTURE_CUES) + r")(?!\w)")
# Vietnamese 'tiếp' also means 'continue' ('tiếp tục'); 'thăm' in 'tham quan' is not a visit.
_NOT_MEETING = re.compile(r"tiếp (tục|theo|cận|nhận|thu)(?!\w)")
ORDER = ("meeting", "appointment", "agreement", "milestone", "target", "statistic", "announcement")


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def kinds_of(text: str, has_figures: bool, has_horizon: bool) -> list[tuple[str, str]]:
    """The fact kinds a sentence supports, strongest first, each with the cue that shows it."""
    lowered = _lower(text)
    cues: dict[str, str] = {}
    for kind, pattern in _CUE_PATTERNS.items():
        m = pattern.search(_NOT_MEETING.sub(" ", lowered) if kind == "meeting" else lowered)
        if m:
            cues[kind] = m.group(1)
    if has_horizon and has_figures and "target" not in cues:
        cues["target"] = "a horizon with a figure"
    if "target" in cues:
        cues.pop("statistic", None)
    if "statistic" in cues and not has_figures:
        cues.pop("statistic")
    if has_figures and not cues:
        cues["statistic"] = "a quantity with no other cue"
    if len(cues) > 1:
        cues.pop("announcement", None)
    return [(k, cues[k]) for k in ORDER if k in cues]


def is_future(text: str) -> bool:
    return bool(_FUTURE.search(_lower(text)))
