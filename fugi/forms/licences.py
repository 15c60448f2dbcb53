"""The terms the open data may be published under (サイト.ライセンス in content/forms.yml chooses one).

These are legal texts, not words a council decides: each has its own name and its own address.  A council that
needs another licence adds it here (with its official address)."""
from __future__ import annotations

#: name as written in forms.yml -> (the name shown, the official address of its text)
LICENCES = {
    "CC BY 4.0": ("クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）",
                  "https://creativecommons.org/licenses/by/4.0/deed.ja"),
    "公共データ利用規約": ("公共データ利用規約（第1.0版）（PDL1.0）",
                      "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"),
}


def licence(name: str) -> dict | None:
    """{名称, URL} of a licence named in the forms, or None when none is chosen."""
    if not name:
        return None
    shown, url = LICENCES[name]
    return {"名称": shown, "URL": url}
