"""People: members of a plan's leading group (领导小组, 联席会议, 工作专班 …), with role, name and post.

A member list starts after a line naming a body (usually an annex "X工作领导小组名单"), after a
heading such as "组成人员", or at a role label ("组 长:", "召 集 人:") once the text has named a
body. Each line is "ROLE: NAME POST", "NAME POST", "NAME(POST)", "NAME,POST" or "POST" (a post
printed without a name), the role carried down from the last role label; a line that only
continues the post above (after a trailing 、) is joined to it; table rows (cells joined by "|" or
tabs) are read cell by cell; several members on one line and lists flattened onto one line are
split. Role labels spaced out ("组  长", "成  员"), labels whose first characters were lost ("人:"
for 召集人) and two-character names padded with a space ("王 伟") are normal. A name glued to its
post is split where the evidence says (a 市/省 start, another post start, a unit type printed in
full, else a known surname). Sentences add office holders: "黄瑾兼任办公室主任", "办公室主任由市科技局副局长李四同志
担任", "组长由市长张三担任" (a vague holder such as 相关领导 is not a person). A member printed as a
unit's post ("市发改委主要负责同志") is a member with no name whose post names that unit.
Vocabulary: extract/patterns/group_roles.json (roles, bodies, post starts and titles, surnames).
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
from ..textutil import Line, finditer_by_twin, lines_of, opening_twin
from .responsibility_blocks import AGENCY_END

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"
_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff](?:\s*[\u4e00-\u9fff]){0,5}?)\s*[:：]\s*(?P<rest>.*)$")
# a Han name of 2-4 characters, or a transcribed one with a middle dot ('买买提·艾力')
_NAME_CHARS = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}[·・•][\u4e00-\u9fff]{1,8})$")
_ORDER_NOTE = re.compile(r"[(（][^()（）]*(?:排序|为序|排列|排名)[^()（）]*[)）]")   # '（按姓氏笔画排序）'
_NAME_POST_ITEM = re.compile(r"[\u4e00-\u9fff·](?:[^\S\n]?[\u4e00-\u9fff·]){1,7}\s*[(（][^()（）]+[)）]")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百]+[条章]|附\s*件)")
_PAD = r"[^\S\n]"   # any space but a line break (plans pad with U+2002, U+3000, NBSP …)


@lru_cache(maxsize=1)
def roles() -> dict:
    return json.loads((PATTERNS / "group_roles.json").read_text(encoding="utf-8"))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict:
    r = roles()
    role_alt = _alternation(r["roles"])
    holder = r"(?P<holders>[^,，。;；:：由]{2,80}?)"
    # the characters a role_by match can start with: a lookahead on them lets the search skip
    # every other position in C instead of trying the body and role alternations there
    role_by_firsts = re.escape("".join(sorted({w[0] for w in [*r["bodies"], "办公室", *r["roles"]]})))
    return {
        "body": re.compile(_alternation(r["bodies"])),
        # a title line ends with the body: '…工作领导小组名单', '…联席会议成员名单', '…工作专班组成人员'
        "title": re.compile(rf"(?:{_alternation(r['bodies'])})(?:成员|组成人员|人员)?(?:名单|组成)?\s*$"),
        "list_heading": re.compile(rf"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])?\s*(?:{_alternation(r['list_headings'])})\s*$"),
        # '组长由市长张三担任' / '由副市长李四任副组长' / '黄瑾兼任办公室主任'
        "role_by": re.compile(rf"(?=[{role_by_firsts}])(?P<role>(?:{_alternation(r['bodies'])})?(?:办公室)?(?:{role_alt}))由{holder}(?:同志)?(?:担任|兼任|出任)"),
        "by_role": re.compile(rf"由{holder}(?:同志)?(?:任|担任|兼任)(?P<role>(?:{_alternation(r['bodies'])})?(?:办公室)?(?:{role_alt}))"),
        # '…，副市长孙二强任副组长': a named holder at the start of a clause
        "clause_role": re.compile(rf"(?:^|(?<=[,，;；。\n]))(?P<holders>[^,，。;；:：\n由]{{2,40}}?)(?:同志)?(?:任|担任|兼任)(?P<role>(?:{_alternation(r['bodies'])})?(?:办公室)?(?:{role_alt}))", re.M),
        # '以市长张三为组长': only with a name
        "with_role": re.compile(rf"以(?P<holders>[^,，。;；:：由以]{{2,40}}?)为(?P<role>(?:{_alternation(r['bodies'])})?(?:办公室)?(?:{role_alt}))"),
        # '黄瑾兼任办公室主任' / '市市场监管局局长兼任办公室主任' at the start of a clause
        "concurrent": re.compile(rf"(?:^|(?<=[,，;；。\n]))(?P<holders>[^,，。;；:：\n由]{{2,40}}?)(?:同志)?兼任(?P<role>(?:{_alternation(r['bodies'])})?(?:办公室)?(?:副)?(?:主任|联络员|秘书长))", re.M),
        "vague": re.compile(_alternation(r["vague_posts"])),
        # '张三同志 市长' drops 同志, but '市发改委主要负责同志' keeps it: it is the post. 同志 first,
        # then the look-backs past it: a pattern opening on a literal lets the regex engine skip
        # to it (one opening on look-backs was tried at every character of every line)
        "comrade": re.compile(r"同志(?<=[\u4e00-\u9fff]同志)" + "".join(
            f"(?<!{re.escape(stem)}同志)" for stem in sorted({w[:-2][-2:] for w in r["vague_posts"] if w.endswith("同志") and len(w) >= 4}))
            + r"(?=\s|[(（,，]|$)"),
        # what by_role and clause_role matches end with ('任' of 任/担任/兼任, then a role): a text
        # without it has none of them
        "role_after_ren": re.compile(rf"任(?:{_alternation(r['bodies'])})?(?:办公室)?(?:{role_alt})"),
    }


@lru_cache(maxsize=1)
def _spaced_roles() -> re.Pattern:
    """'组  长  老颜武 市长': a known role, its characters possibly spaced out, then a gap or colon."""
    alts = [r"\s*".join(map(re.escape, r)) for r in sorted(roles()["roles"], key=len, reverse=True)]
    return re.compile(rf"^(?P<label>{'|'.join(alts)})(?:\s*[:：]\s*|\s+)(?P<rest>.*)$")


@lru_cache(maxsize=1)
def _leading_body() -> re.Pattern:
    """A body's name before a role ('专班组长'), compiled once instead of on every label."""
    return re.compile(rf"^(?:{_alternation(roles()['bodies'])})(?=.)")


@lru_cache(maxsize=4096)   # pure, and asked of the same few labels many times per plan
def _role_for(label: str) -> str | None:
    label = re.sub(r"\s+", "", label)
    label = _leading_body().sub("", label)   # '专班组长' -> 组长
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


def _is_name(text: str) -> bool:
    return bool(_NAME_CHARS.match(text)) and not _starts_post(text) and not AGENCY_END.search(text)


def unit_post(text: str) -> re.Match | None:
    """'市发改委主要负责同志', '各区县政府分管负责同志': a unit printed before a vague post, the member
    that unit sends, unnamed (a post printed without a name; never a person's name). The match of
    the vague post, or None."""
    text = re.sub(r"\s*[(（][^()（）]{1,12}[)）]$", "", text.strip())   # '…负责同志（联络员）': a note after the post
    m = None
    for m in _patterns()["vague"].finditer(text):
        pass
    if m is None or m.end() != len(text):
        return None
    head = text[:m.start()]
    if len(head) < 2 or re.search(r"\s", head) or not AGENCY_END.search(head) or _title_re().search(head):
        return None
    return m if (not has_surname(head) or _starts_post(head) or head.startswith("各")) else None


def _cut_after_unit_posts(piece: str) -> list[str]:
    cuts = [m.end() for m in _patterns()["vague"].finditer(piece)
            if re.match(_PAD, piece[m.end():m.end() + 1]) and unit_post(re.split(_PAD + "+", piece[:m.end()])[-1])]
    bounds = [0, *cuts, len(piece)]
    return [piece[a:b].strip() for a, b in zip(bounds, bounds[1:]) if piece[a:b].strip()]


def unit_post_members(part: str) -> list[str] | None:
    """A member line holding posts of units: 'A主要负责同志，B分管负责同志，王五（局长）' -> one item per
    member; 'A、B主要负责同志' -> 'A主要负责同志', 'B主要负责同志' (the title is each unit's, as a
    shared head is in a unit list). None when the line names no unit post."""
    if not _patterns()["vague"].search(part):
        return None
    pieces = [p.strip() for p in re.split(r"[,，]", part) if p.strip()]
    # '市发改委主要负责同志　李四 市科技局局长': a unit's post ends its member where a space follows
    pieces = [q for p in pieces for q in _cut_after_unit_posts(p)]
    out: list[str] = []
    found = False
    for piece in pieces:
        items = [i.strip() for i in piece.split("、")]
        posts = [unit_post(i) for i in items]
        bare = [bool(AGENCY_END.search(i)) and not re.search(r"\s", i) and not _title_re().search(i) and len(i) <= 20
                for i in items]
        if len(items) > 1 and posts[-1] and all(p or b for p, b in zip(posts, bare)):
            pending: list[str] = []
            for item, post in zip(items, posts):
                if post:
                    out.extend(u + post.group(0) for u in pending)
                    out.append(item)
                    pending = []
                else:
                    pending.append(item)
            found = True
            continue
        found = found or bool(unit_post(piece))
        if out and _is_name(out[-1]) and unit_post(piece):
            out[-1] = f"{out[-1]}，{piece}"   # '张三，市发改委主要负责同志': NAME,POST is one member
            continue
        out.append(piece)
    return out if found else None


def split_name_post(rest: str) -> tuple[str | None, str | None]:
    """'张三 市长' / '王 伟 市政协副主席' / '张三(市长)' / '张三,市长' / '王小五市科技局局长' / '市长'."""
    rest = rest.strip()
    if not rest:
        return None, None
    if unit_post(re.sub(_PAD, "", rest)):
        return None, re.sub(_PAD, "", rest)   # '各区县政府分管负责同志': a unit's post, no name
    m = re.match(r"^(?P<name>[\u4e00-\u9fff·](?:" + _PAD + r"?[\u4e00-\u9fff·]){1,3}?)" + _PAD + r"*[(（](?P<post>.+)[)）]$", rest)
    if m and _is_name(re.sub(_PAD, "", m.group("name"))):
        return re.sub(_PAD, "", m.group("name")), m.group("post").strip()
    m = re.match(r"^(?P<name>[\u4e00-\u9fff·]{2,4})" + _PAD + r"*[,，:：]" + _PAD + r"*(?P<post>.+)$", rest)
    if m and _is_name(m.group("name")):
        return m.group("name"), m.group("post").strip()
    parts = re.split(_PAD + "+", rest)
    if len(parts) >= 2:
        # a two-character name padded to the width of three: '王 伟 市政协副主席', '王　伟　市长'
        if len(parts) >= 3 and len(parts[0]) == 1 and len(parts[1]) in (1, 2) and _is_name(parts[0] + parts[1]):
            return parts[0] + parts[1], "".join(parts[2:])
        name, post = parts[0], "".join(parts[1:])
        if _is_name(name):
            return name, post
        if _is_name(parts[-1]) and _title_re().search("".join(parts[:-1])):
            return parts[-1], "".join(parts[:-1])   # 'POST NAME': '市政府市长  钱一鸣'
        if len(parts) == 2 and len(parts[0]) == 1 and len(parts[1]) in (1, 2) and _is_name(parts[0] + parts[1]):
            return parts[0] + parts[1], None
        return None, "".join(parts)
    text = parts[0]
    if _starts_post(text):
        return None, text
    glued = split_glued(text)
    if glued:
        return glued
    if _NAME_CHARS.match(text):
        return text, None
    return None, text


def _post_like(text: str) -> bool:
    return bool(text) and not _is_name(text) and bool(_title_re().search(text) or _starts_post(text))


def _names_a_unit(text: str) -> bool:
    """'知识产权局副局长' starts with a unit type printed in full (not '识产权局…')."""
    try:
        from policykg.ontology.vocab import classify_agency
    except ImportError:
        return False
    title = _title_re().search(text)
    head = text[:title.start()] if title else text
    found = classify_agency(head) if len(head) >= 2 else None
    return bool(found) and (found.get("matched_suffix") == head or head in [found["pref_zh"], *found["alt_zh"]])


def has_surname(name: str) -> bool:
    """The name starts with a common surname (group_roles.json): the evidence that splits glued text."""
    return name[:2] in roles()["compound_surnames"] or name[:1] in roles()["surnames"]


def split_glued(text: str) -> tuple[str, str] | None:
    """A name glued to its post: '王小五市科技局局长', '吴仪国务院副总理', '张勤知识产权局副局长';
    not '兴庆海关副关长' (a unit named after a place, no surname)."""
    best, best_score = None, -1
    for n in (2, 3, 4):
        name, post = text[:n], text[n:]
        if len(text) <= n or not _NAME_CHARS.match(name) or _starts_post(name) or not _post_like(post):
            continue
        if n == 4 and name[:2] not in roles()["compound_surnames"]:
            continue
        score = (2 if post[:1] in "市省县区州旗副" else 1.5 if _starts_post(post)
                 else 1 if _names_a_unit(post) else 0)
        if score < 2 and not has_surname(name):
            continue   # without a 市/省… post start, only a known surname says where the name ends
        # equal evidence: a post start decides for the shorter name, otherwise most names have three characters
        if score > best_score or (score == best_score and score < 2 and n == 3):
            best, best_score = (name, post), score
    return best


def split_members(rest: str) -> list[tuple[str | None, str | None]] | None:
    """Several members on one line, separated by spaces: '杨远习市政府副秘书长 孔 平市知识产权局局长'."""
    tokens = [t for t in re.split(_PAD + "+", rest.strip()) if t]
    members: list[tuple[str | None, str | None]] = []
    i = 0
    while i < len(tokens):
        token, following = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
        if len(token) == 1 and following:
            if len(following) == 1 and _is_name(token + following):
                after = tokens[i + 2] if i + 2 < len(tokens) else ""
                if _post_like(after):
                    members.append((token + following, after))
                    i += 3
                    continue
                break
            if _is_name(token + following[0]) and _post_like(following[1:]):
                members.append((token + following[0], following[1:]))   # '孔 平市知识产权局局长'
                i += 2
                continue
            break
        if _is_name(token) and _post_like(following):
            members.append((token, following))
            i += 2
            continue
        glued = split_glued(token)
        if glued:
            members.append(glued)
            i += 1
            continue
        break   # the list ends: '… 办公会议下设办公室。'
    return members if len(members) >= 2 else None


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern:
    return re.compile(_alternation(roles()["post_titles"]))


@lru_cache(maxsize=1)
def _title_or_vague_re() -> re.Pattern:
    """A post title or a vague post ('主要负责同志'): where a post's unit ends."""
    return re.compile(_alternation(roles()["post_titles"] + roles()["vague_posts"]))


def _first_post(post: str) -> str:
    """The first of several posts ('市委常委、组织部部长' -> '市委常委'); a 、 inside brackets
    ('各县（市、区）政府主要负责同志') parts nothing."""
    depth = 0
    for i, ch in enumerate(post):
        depth += ch in "(（"
        depth -= ch in ")）" and depth > 0
        if depth == 0 and ch in "、,，":
            return post[:i]
    return post


def split_post(post: str | None) -> tuple[str | None, str | None]:
    """'市委宣传部分管日常工作的副部长' -> ('市委宣传部', '分管日常工作的副部长'); '市长' -> (None, '市长')."""
    if not post:
        return None, None
    first = _first_post(post)
    best = None
    for m in _title_or_vague_re().finditer(first):
        head = first[:m.start()]
        if len(head) >= 2 and AGENCY_END.search(head):
            best = (head, post[m.start():])
            break
    return best if best else (None, post)


def split_holder(holder: str) -> tuple[str | None, str | None]:
    """'市科技局副局长李晓明' -> ('李晓明', '市科技局副局长'); '市市场监管局局长' -> (None, …)."""
    bare = holder.strip(" \u3000")
    for printed in (bare, bare + "同志"):   # the holder patterns take 同志 off: '由市政府分管负责同志担任'
        if unit_post(printed) or _patterns()["vague"].fullmatch(printed):
            return None, printed   # a post with no name ('负责' is none)
    holder = re.sub(r"(?:同志|等)$", "", holder.strip(" \u3000"))
    if _is_name(holder):
        return holder, None
    ends = [m.end() for m in _title_re().finditer(holder)]
    for end in reversed(ends):
        name = holder[end:]
        if not name:
            return None, holder
        if _is_name(name):
            return name, holder[:end]
    return None, None


def _group_before(text: str, position: int) -> str | None:
    """The body a member list belongs to: its fullest name printed before the list
    ('省政府决定成立丝绸之路…建设工作领导小组' -> '丝绸之路…建设工作领导小组')."""
    best = None
    for m in _patterns()["body"].finditer(text, 0, position):
        run = re.search(r"[\u4e00-\u9fff()（）]*$", text[max(0, m.start() - 40):m.start()]).group(0)
        run = re.split(r"成立|建立|组建|设立|调整|关于|简称|下称", run)[-1]
        name = run + m.group(0)
        if best is None or len(name) > len(best):
            best = name
    return best


def _title_group(title: str, text: str, position: int) -> str | None:
    """A title line '一、领导小组组成人员' / '…工作领导小组名单' -> the body's name."""
    name = re.sub(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|附\s*件\s*\d*)\s*", "", title)
    name = re.sub(r"(?:成员|组成人员|人员)?(?:名单|组成)?$", "", name)
    if _patterns()["body"].fullmatch(name) or not name:
        return _group_before(text, position) or name or None
    return name


def _row_cells(raw: str) -> list[str] | None:
    if "|" in raw:
        return [c.strip() for c in raw.split("|")]
    if "\t" in raw:
        return [c.strip() for c in raw.split("\t")]
    return None


def _from_cells(cells: list[str], role: str | None) -> tuple[str | None, str | None, str | None] | None:
    """A member table row: (role, name, post); None for a header row."""
    headers = set(roles()["table_headers"])
    cells = [c for c in cells if c]
    if not cells or any(re.sub(r"\s+", "", c) in headers for c in cells):
        return None
    name, post_parts = None, []
    for cell in cells:
        compact = re.sub(_PAD, "", cell)
        if re.fullmatch(r"[(（]?\d{1,3}[)）.．、]?", compact):
            continue
        if _role_for(compact) and len(compact) <= 6:
            role = _role_for(compact)
        elif name is None and _is_name(compact):
            name = compact
        else:
            post_parts.append(compact)
    return role, name, "".join(post_parts) or None


@lru_cache(maxsize=1)
def _inline_role() -> re.Pattern:
    """A second role label inside a line: '主持人: A … 成 员: B …' (a list flattened by a web page)."""
    alts = [r"\s*".join(map(re.escape, r)) for r in sorted(roles()["roles"], key=len, reverse=True)]
    return re.compile(rf"(?<=\s)(?:{'|'.join(alts)})\s*[:：]")


@lru_cache(maxsize=1)
def _inline_role_twin() -> re.Pattern:
    """Where an `_inline_role` match can start (a role's first character): that pattern opens on
    a look-back, which the regex engine tries at every character of every line."""
    return opening_twin(_inline_role(), "[" + re.escape("".join(sorted({r[0] for r in roles()["roles"]}))) + "]")


def _member_lines(text: str):
    """The text's lines, a line that carries several role labels split before each label."""
    for line in lines_of(text):
        cuts = [m.start() for m in finditer_by_twin(_inline_role(), _inline_role_twin(), line.text)] \
            if len(line.text) >= 20 else []
        opening = _spaced_roles().match(line.text.lstrip())
        if opening:   # '副 组 长：…': the spaced '组 长：' inside the line's own label is no second label
            label_end = len(line.text) - len(line.text.lstrip()) + opening.end("label")
            cuts = [c for c in cuts if c >= label_end]
        if not cuts or (len(cuts) < 2 and not _spaced_roles().match(line.text.strip())):
            yield line
            continue
        bounds = [0, *cuts, len(line.text)]
        for a, b in zip(bounds, bounds[1:]):
            yield Line(line.text[a:b], line.start + a)


def find_people(outline: Outline) -> list[Person]:
    text = outline.text
    pats = _patterns()
    out: list[Person] = []
    group, role, active = None, None, False
    previous = ""
    for line in _member_lines(text):
        raw = _ORDER_NOTE.sub("", line.text).strip()
        raw = pats["comrade"].sub("", raw)   # '张三同志 市长'
        if not raw:
            continue
        titled = len(raw) <= 40 and pats["title"].search(raw) and not re.search(r"[,，。;；:：]", raw)
        if titled and not _spaced_roles().match(raw):
            # a group title wrapped over two lines: "X市…建设" / "试点城市工作领导小组名单"
            head = previous if previous and len(previous) <= 30 and not re.search(r"[,，。;；:：\d]|^附\s*件", previous) else ""
            group, role, active = _title_group(head + raw, text, line.start), None, True
            previous = raw
            continue
        if pats["list_heading"].match(raw) and pats["body"].search(text, 0, line.start):
            group, role, active = _group_before(text, line.start), None, True
            previous = raw
            continue
        previous = raw
        m = _spaced_roles().match(raw)
        label_role = _role_for(m.group("label")) if m else None
        if label_role is None:
            m = _LABEL.match(raw)
            label_role = _role_for(m.group("label")) if m else None
        cells = _row_cells(raw)
        found = _from_cells(cells, role) if cells else None
        if not active:
            # a role label (or a table row with one) opens a list once the text has named a body
            opening = label_role or (found[0] if found else None)
            if not (opening in roles()["head_roles"] and pats["body"].search(text, 0, line.start)):
                continue
            group, active = _group_before(text, line.start), True
        if cells:
            if found and (found[1] or (found[2] and (_title_re().search(found[2]) or unit_post(found[2])))):
                # a member table without a role column lists members
                role, name, post = found[0] or "成员", found[1], found[2]
                out.append(Person(name=name, role=role, post=post, group=group, start=line.start, end=line.end))
            elif found and found[0]:
                role = found[0]   # a row that names no member still says the role of the rows below
            continue
        if label_role is None and _role_for(raw) and len(re.sub(r"\s+", "", raw)) <= 6 and re.sub(r"\s+", "", raw) in roles()["roles"]:
            role = _role_for(raw)   # a role alone on its line (a table printed one cell per line)
            continue
        if label_role:
            role = label_role
            rest = m.group("rest")
        elif role is None:
            continue
        elif "。" in raw or len(raw) > 80 or _HEADING.match(raw):
            active = False
            continue
        else:
            rest = raw
        if out and rest and not label_role and (rest[:1] in "、,，" or (out[-1].post or "").endswith(("、", "，", ","))) \
                and out[-1].role == role:
            out[-1].post = (out[-1].post or "") + rest.lstrip("、,，")   # a post continued on the next line
            out[-1].end = line.end
            continue
        if out and not label_role and out[-1].role == role and out[-1].name and not out[-1].post:
            name, post = split_name_post(rest)
            if name is None and post and _title_re().search(post):
                out[-1].post, out[-1].end = post, line.end   # 'NAME' then 'POST' on the next line
                continue
        rest = rest.rstrip("。.")
        parts = re.split(r"[;；]", rest)
        items = _NAME_POST_ITEM.findall(rest)
        if len(items) >= 2 and re.fullmatch(r"(?:\s*" + _NAME_POST_ITEM.pattern + r"\s*[、,，;；]?)+", rest):
            parts = items   # '张三（副市长）、李四（市政府秘书长）'
        parts = [item for part in parts for item in (unit_post_members(part) or [part])]
        for part in parts:
            offset = line.start + max(0, line.text.find(part.strip()[:1])) if part.strip() else line.start
            for name, post in split_members(part) or [split_name_post(part)]:
                if name is None and (post is None or not (_title_re().search(post) or unit_post(post))):
                    continue   # a line that is neither a name nor a post
                out.append(Person(name=name, role=role, post=post, group=group, start=offset, end=line.end))
    out.extend(_prose_holders(text, out, group))
    for person in out:
        if person.post:
            person.post = person.post.rstrip("、,，;；。")
        person.post_agency, person.post_title = split_post(person.post)
    return out


def _prose_holders(text: str, listed: list[Person], group: str | None) -> list[Person]:
    """Office holders named in sentences: 'X兼任办公室主任', '组长由<post><name>担任'."""
    pats = _patterns()
    posts = {p.name: p.post for p in listed if p.name}
    seen = {(p.role, p.name or p.post) for p in listed}
    found: list[Person] = []

    def add(role: str, name: str | None, post: str | None, start: int, end: int) -> None:
        role = re.sub(rf"^(?:{_alternation(roles()['bodies'])})", "", role)
        if not name and (not post or pats["vague"].search(post) or not _title_re().search(post)):
            return   # '由市政府相关领导任组长': no person to record
        if name and not post:
            post = posts.get(name)
        key = (role, name or post)
        if key in seen:
            return
        seen.add(key)
        found.append(Person(name=name, role=role, post=post, group=group or _group_before(text, start),
                            start=start, end=end))

    holds_role_after_ren = bool(pats["role_after_ren"].search(text))
    for m in (pats["concurrent"].finditer(text) if "兼任" in text else ()):
        name, post = split_holder(re.sub(r"^(?:并|同时)", "", m.group("holders").strip()))
        if name or post:
            add(m.group("role"), name, post, m.start(), m.end())
    for key in ("role_by", "by_role", "clause_role", "with_role"):
        if key in ("by_role", "clause_role") and not holds_role_after_ren:
            continue
        for m in pats[key].finditer(text):
            pieces, pending = [], []
            for holder in re.split(r"[、和]", m.group("holders")):
                if split_holder(holder)[0]:   # '市委副书记、市长张三': the posts before a name are his
                    pieces.append("、".join(pending + [holder]))
                    pending = []
                else:
                    pending.append(holder)
            for holder in pieces + pending:
                name, post = split_holder(holder)
                if key in ("clause_role", "with_role") and not (name and post and _starts_post(post)):
                    continue   # without 由, only '<post><name>任…' is trusted
                if name or post:
                    add(m.group("role"), name, post, m.start(), m.end())
    return found
