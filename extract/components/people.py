"""People: members of a plan's leading group (领导小组), with role, name and post.

A member list starts after a line naming a 领导小组 (usually an annex "X工作领导小组名单"); each
line is "ROLE: NAME POST", "NAME POST" or "POST" (a post printed without a name), the role
carried down from the last role label. Role labels spaced out in tables ("组  长", "成  员") and
labels whose first characters were lost ("人:" for 召集人) are matched against the role list in
extract/patterns/group_roles.json. Sentences such as "黄瑾兼任办公室主任" and
"办公室主任由市市场监管局局长兼任" add office holders.
Writes `doc._.policykg["people"]` and `doc.spans["policykg_people"]` (label PERSON).

DOCS: docs/components.md#people
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..gazetteer import lookup
from ..outline import Outline
from ..result import Person
from ..textutil import iter_lines
from .responsibility_blocks import AGENCY_END

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"
_GROUP_LINE = re.compile(r"领导小组|工作小组|联席会议|委员会名单|专班")
_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff](?:\s*[\u4e00-\u9fff]){0,5}?)\s*[:：]\s*(?P<rest>.*)$")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_CONCURRENT = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,4}?)(?:同志)?兼任(?P<role>(?:领导小组)?办公室(?:副)?主任|联络员|秘书长)")
_POST_HOLDS = re.compile(r"(?P<role>(?:领导小组)?办公室(?:副)?主任)由(?P<post>[^,，。;；]{2,40}?)(?:同志)?兼任")


@lru_cache(maxsize=1)
def roles() -> dict:
    return json.loads((PATTERNS / "group_roles.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _spaced_roles() -> re.Pattern:
    """'组  长  老颜武 市长': a known role, its characters possibly spaced out, then a gap or colon."""
    alts = [r"\s*".join(map(re.escape, r)) for r in sorted(roles()["roles"], key=len, reverse=True)]
    return re.compile(rf"^(?P<label>{'|'.join(alts)})(?:\s*[:：]\s*|\s+)(?P<rest>.*)$")


def _role_for(label: str) -> str | None:
    label = re.sub(r"\s+", "", label)
    known = roles()["roles"]
    if label in known:
        return label
    # a label whose first characters were lost in a table: "人" -> 召集人, "员" -> 成员
    tails = [r for r in known if r.endswith(label) and not r.startswith("副")]
    return min(tails, key=len) if tails and len(label) <= 2 else None


def _starts_post(text: str) -> bool:
    if not text:
        return False
    if text.startswith(tuple(roles()["post_starts"])):
        return True
    for n in range(min(8, len(text)), 1, -1):
        if lookup(text[:n]):
            return True
    return False


def split_name_post(rest: str) -> tuple[str | None, str | None]:
    rest = rest.strip(" \u3000")
    if not rest:
        return None, None
    parts = re.split(r"\s+", rest)
    if len(parts) >= 2:
        post = parts[-1]
        name = "".join(parts[:-1])
        if _NAME_CHARS.match(name) and not _starts_post(name):
            return name, post
        return None, "".join(parts)
    text = parts[0]
    if _starts_post(text):
        return None, text
    for n in (2, 3):   # a name glued to its post: 2 or 3 characters
        if len(text) > n and _starts_post(text[n:]) and _NAME_CHARS.match(text[:n]):
            return text[:n], text[n:]
    if _NAME_CHARS.match(text):
        return text, None
    return None, text


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern:
    titles = sorted(roles()["post_titles"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, titles)))


def split_post(post: str | None) -> tuple[str | None, str | None]:
    """'市委宣传部分管日常工作的副部长' -> ('市委宣传部', '分管日常工作的副部长'); '市长' -> (None, '市长')."""
    if not post:
        return None, None
    first = re.split(r"[、,，]", post, maxsplit=1)[0]
    best = None
    for m in _title_re().finditer(first):
        head = first[:m.start()]
        if len(head) >= 2 and AGENCY_END.search(head):
            best = (head, post[m.start():])
            break
    return best if best else (None, post)


def find_people(outline: Outline) -> list[Person]:
    text = outline.text
    out: list[Person] = []
    group, role, active = None, None, False
    previous = ""
    for line in iter_lines(text):
        raw = line.text.strip()
        if not raw:
            continue
        if _GROUP_LINE.search(raw) and len(raw) <= 40 and not re.search(r"[,，。;；:：]", raw):
            # a group title wrapped over two lines: "X市…建设" / "试点城市工作领导小组名单"
            head = previous if previous and len(previous) <= 30 and not re.search(r"[,，。;；:：\d]|^附\s*件", previous) else ""
            group, role, active = re.sub(r"(?:成员)?名单$", "", head + raw), None, True
            previous = raw
            continue
        previous = raw
        if not active:
            continue
        m = _spaced_roles().match(raw)
        label_role = _role_for(m.group("label")) if m else None
        if label_role is None:
            m = _LABEL.match(raw)
            label_role = _role_for(m.group("label")) if m else None
        if label_role:
            role = label_role
            rest = m.group("rest")
        elif role is None:
            continue
        elif re.search(r"[,，。;；]", raw) or len(raw) > 60:
            active = False if "。" in raw else active
            continue
        else:
            rest = raw
        name, post = split_name_post(rest)
        if name is None and post is None:
            continue
        offset = line.start + line.text.find(rest.strip()[:1]) if rest.strip() else line.start
        out.append(Person(name=name, role=role, post=post, group=group, start=offset, end=line.end))
    posts = {p.name: p.post for p in out if p.name}
    for m in _CONCURRENT.finditer(text):
        name = re.sub(r"^(?:由|并|,|，)", "", m.group("name"))
        out.append(Person(name=name, role=m.group("role").replace("领导小组", ""), post=posts.get(name),
                          group=group, start=m.start(), end=m.end()))
    for m in _POST_HOLDS.finditer(text):
        out.append(Person(name=None, role=m.group("role").replace("领导小组", ""), post=m.group("post"),
                          group=group, start=m.start(), end=m.end()))
    for person in out:
        person.post_agency, person.post_title = split_post(person.post)
    return out
