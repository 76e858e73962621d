"""The outlet, from the article's address: a small table of the news sites the project reads, by domain."""

from __future__ import annotations

from urllib.parse import urlsplit

OUTLETS: dict[str, str] = {
    "vnexpress.net": "VnExpress",
    "e.vnexpress.net": "VnExpress International",
    "tuoitre.vn": "Tuổi Trẻ",
    "tuoitrenews.vn": "Tuoi Tre News",
    "thanhnien.vn": "Thanh Niên",
    "vietnamplus.vn": "VietnamPlus",
    "en.vietnamplus.vn": "VietnamPlus",
    "vietnamnews.vn": "Viet Nam News",
    "vov.vn": "VOV",
    "english.vov.vn": "VOV",
    "vovworld.vn": "VOV World",
    "nhandan.vn": "Nhân Dân",
    "en.nhandan.vn": "Nhan Dan",
    "qdnd.vn": "Quân đội nhân dân",
    "en.qdnd.vn": "People's Army Newspaper",
    "baochinhphu.vn": "Báo Chính phủ",
    "chinhphu.vn": "Cổng TTĐT Chính phủ",
    "vneconomy.vn": "VnEconomy",
    "thoidai.com.vn": "Thời Đại",
    "hanoitimes.vn": "The Hanoi Times",
    "hanoimoi.vn": "Hà Nội Mới",
    "laodong.vn": "Lao Động",
    "nld.com.vn": "Người Lao Động",
    "tienphong.vn": "Tiền Phong",
    "dantri.com.vn": "Dân trí",
    "vietnamnet.vn": "VietNamNet",
    "znews.vn": "Znews",
    "baodautu.vn": "Báo Đầu tư",
    "cadn.com.vn": "Công an Đà Nẵng",
    "baodanang.vn": "Báo Đà Nẵng",
    "huengaynay.vn": "Huế Ngày Nay",
    "baonghean.vn": "Báo Nghệ An",
    "baothanhhoa.vn": "Báo Thanh Hóa",
    "baohaiphong.com.vn": "Báo Hải Phòng",
    "sggp.org.vn": "Sài Gòn Giải Phóng",
    "thvl.vn": "THVL",
    "vtv.vn": "VTV",
    "einpresswire.com": "EIN Presswire",
    "jica.go.jp": "JICA",
}


def outlet_for(url: str | None) -> str | None:
    """The outlet whose site the address is on ('https://e.vnexpress.net/news/...' -> 'VnExpress International'),
    the longest matching domain first; None when the site is not in the table."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().removeprefix("www.")
    parts = host.split(".")
    for i in range(len(parts) - 1):
        outlet = OUTLETS.get(".".join(parts[i:]))
        if outlet:
            return outlet
    return None
