"""Responsibility blocks: which units carry each measure, and which of them lead.

Plans print "who does it" in many wordings, often several in one measure, so this is a small
grammar rather than a list of layouts tried in turn: every responsibility clause of a measure is
found, each is split clause by clause, and what every clause says is kept.

- A clause is a bracket `(…)` / `【…】` after a measure's text, a label line or inline label
  (`牵头单位:A  配合单位:B`, `…。责任单位:A、B`), a `由A牵头,B配合` sentence, or a prose sub-clause
  `各县区政府按职责分工负责`.
- Inside a clause, label words (`牵头单位:` -> lead, `责任单位:`/`参加单位:`/`实施主体:` … -> support)
  open a unit list; role verbs close one (`A、B牵头` -> lead, `C配合` / `D负责` / `E分工负责` -> support);
  a mark after a unit (`A(牵头)`, `A牵头、B配合`) sets that unit's role.
- A bracket with neither label nor verb counts only when every item looks like a unit.
- A stated rule such as `排名第一的单位为牵头单位` / `列第一位者为牵头部门,下同` makes the first unit of
  every listed block (bracket, label clause, table row) without a lead mark the lead.
- All clauses of a measure merge in printed order; a unit that leads anywhere in the measure leads.
- With no clause in the measure's text, a task-division table row describing it is used.

The vocabulary (labels, verbs, marks, unit endings, lead rules, page-number lines) is data:
extract/patterns/responsibility_labels.json. Each Responsibility records the clause kind that
produced it in `rule` (`bracket`, `label`, `sentence`, `duty_sentence`, `task_table`, with
`+first_is_lead` when the stated rule made it lead).
Writes `doc._.policykg["responsibilities"]` and `doc.spans["policykg_responsibilities"]`.

DOCS: docs/components.md#responsibilities
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from ..gazetteer import find_place, lookup
from ..result import Measure, Responsibility
from ..textutil import finditer_by_twin, nfkc_key, opening_twin
from .task_tables import TaskRow, find_task_tables

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return json.loads((PATTERNS / "responsibility_labels.json").read_text(encoding="utf-8"))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


AGENCY_END = re.compile(rf"(?:{_alternation(vocabulary()['unit_endings'])})(?:\([^()]*\)|（[^（）]*）)?$")
PLAN_LEVEL = re.compile(r"本(?:工作)?(?:实施)?(?:方案|计划|规划|意见|办法)|牵头(?:负责)?组织实施")
_OPEN, _CLOSE = "(（【[［", ")）】]］"
_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACE = " \t\u3000\n\r"


@lru_cache(maxsize=1)
def _grammar() -> dict:
    v = vocabulary()
    labels = {**{w: "lead" for w in v["lead_labels"]}, **{w: "support" for w in v["support_labels"]},
              **{w: "other" for w in v["other_labels"]}}
    # a role verb: optional manner words ('按职责分工', '分别') and a core verb ('配合', '牵头负责')
    verb = rf"(?:{_alternation(v['verb_manners'])})*(?:{_alternation(v['lead_verbs'] + v['support_verbs'])})"
    label_alt = _alternation(labels)
    symbols = re.escape(v["symbol_marks"])
    # a label opens a list: '牵头单位:' / '【责任单位】' / '牵头单位　A' (a space instead of the colon, not inside a word)
    label = re.compile(rf"(?:【\s*(?P<boxed>{label_alt})\s*】\s*[:：]?|(?P<plain>{label_alt})\s*(?:[(（][^()（）]{{1,6}}[)）])?\s*[:：]"
                        rf"|(?<![\u4e00-\u9fff])(?P<spaced>{_alternation(v['lead_labels'] + v['support_labels'])})[ \t\u3000]+(?=[\u4e00-\u9fff]))")
    return {
        "labels": labels,
        "lead_verb": re.compile(_alternation(v["lead_verbs"])),
        "label": label,
        "verb_end": re.compile(rf"^(?P<units>.*?)(?P<verb>{verb})$", re.S),
        "verb_last_chars": frozenset(w[-1] for w in v["lead_verbs"] + v["support_verbs"]),
        "verb_start": re.compile(rf"^(?P<units>.+?)(?P<verb>{verb})", re.S),
        "verb_only": re.compile(verb),
        "verb_de": re.compile(rf"(?:{_alternation(v['lead_verbs'] + v['support_verbs'])})的"),
        # 'A(牵头)', also in angle, square or boxed brackets: 'A〈牵头〉', 'A[牵头]', 'A【牵头】'
        "mark": re.compile(rf"^(?P<name>.+?)\s*[(（〈<\[［【〔「]\s*(?P<mark>{_alternation(v['lead_marks'] + v['support_marks'])})\s*[)）〉>\]］】〕」]$"),
        "mark_inside": re.compile(rf"[(（〈<\[［【〔「]\s*(?:{_alternation(v['lead_marks'] + v['support_marks'])})\s*[)）〉>\]］】〕」]"),
        # what a prose sub-clause needs somewhere to give units: a role verb or a bracketed mark
        # (`mark_inside`). Two searches, not one pattern of both: a pattern of words alone or
        # opening on a bracket lets the regex engine skip to their first characters, one with
        # both alternatives tried every character of every sentence (~0.3 ms a plan, issue 24)
        "role_verb": re.compile(_alternation(v["lead_verbs"] + v["support_verbs"])),
        "opener": re.compile(rf"^(?:{_alternation(v['item_openers'])})"),
        "tail": re.compile(rf"(?:{_alternation(v['list_tails'])})$"),
        "lead_rule": re.compile("|".join(f"(?:{p})" for p in v["lead_rules"])),
        "noise": re.compile(rf"(?:{_alternation(v['clause_noise'])})"),
        "not_bare": re.compile(_alternation(v["not_unit_brackets"])),
        "generic": re.compile(rf"^(?:{_alternation(v['unit_generic_heads'])})"),
        "page": re.compile(v["page_number_line"], re.M),
        "not_in_name": re.compile(_alternation(v["not_in_unit_names"])),
        # 'A牵头 B配合': a space after a role verb separates two sub-clauses
        "verb_space": re.compile(rf"(?<={'|'.join(sorted({w[-2:] for w in v['lead_verbs'] + v['support_verbs']}))})[ \t\u3000]+(?=\S)"),
        # '牵头单位/配合单位：A/B、C': two labels, and their lists parted by the same slash
        "slash_labels": re.compile(rf"(?P<first>{_alternation(v['lead_labels'] + v['support_labels'])})\s*[/／]\s*"
                                   rf"(?P<second>{_alternation(v['lead_labels'] + v['support_labels'])})\s*[:：]\s*"
                                   rf"(?P<values>[^/／\n()（）【】:：]+[/／][^/／\n()（）【】:：]+)"),
        # a printed mark on a unit ('A★', '▲B') and the legend saying which marks lead
        "symbol_edge": re.compile(rf"^[{symbols}]+|[{symbols}]+$"),
        "symbol_legend": [re.compile(p.replace("[SYM]", f"[{symbols}]")) for p in v["symbol_legend"]],
        # where a label can start (a box or a label word): `label` opens on a look-back
        "label_twin": opening_twin(label, "[" + re.escape("【" + "".join(sorted({w[0] for w in labels}))) + "]"),
        "label_start": re.compile(rf"^(?:{label_alt})\s*"),
        "label_word": re.compile(label_alt),
        "label_spaced": re.compile(rf"^[ \t\u3000]*(?:【\s*)?(?P<label>{_alternation(v['lead_labels'] + v['support_labels'])})[ \t\u3000]+(?=\S)"),
    }


def _verb_end(text: str) -> re.Match | None:
    """`verb_end` matched against text that ends with a role verb ('…牵头', '…配合'); text whose
    last character (before one final line break, where `$` also matches) ends no verb is not tried."""
    g = _grammar()
    last = text[-2:-1] if text.endswith("\n") else text[-1:]
    if last not in g["verb_last_chars"]:
        return None
    return g["verb_end"].match(text)


def first_is_lead_rule(text: str) -> re.Match | None:
    """A stated rule that the first unit of each list leads ('排名第一的单位为牵头单位')."""
    return _grammar()["lead_rule"].search(text)


# every stated lead rule (responsibility_labels.json "lead_rules") prints this word
_LEAD_RULE_WORD = "牵头"


@lru_cache(maxsize=1)
def _lead_rule_reach() -> int | None:
    """The longest text a lead rule can match, or None when that is unbounded, not known, or a
    rule can match without printing 牵头 (then the whole text is searched)."""
    try:
        from re import _constants, _parser   # what re itself uses; private, hence the fallback
        word = [(_constants.LITERAL, ord(ch)) for ch in _LEAD_RULE_WORD]
        for rule in vocabulary()["lead_rules"]:
            items = list(_parser.parse(rule))   # the rule's top-level sequence: always matched
            if not any(items[i:i + len(word)] == word for i in range(len(items))):
                return None
        low, high = _parser.parse(_grammar()["lead_rule"].pattern).getwidth()
    except Exception:   # pragma: no cover - another Python's re
        return None
    return high if high < 10_000 else None


def states_first_is_lead(text: str) -> bool:
    """Whether the text states a first-is-lead rule: `first_is_lead_rule(text) is not None`.
    Searching a whole plan for the rule tried the pattern at every character (~0.8 ms a plan);
    every rule prints 牵头, and a match holding an occurrence lies within the rule's reach of it,
    so only a window around each 牵头 is searched. tests/extract/test_responsibility_lead_rule.py
    holds the two equal."""
    reach = _lead_rule_reach()
    if reach is None:
        return first_is_lead_rule(text) is not None
    search = _grammar()["lead_rule"].search
    at = text.find(_LEAD_RULE_WORD)
    while at >= 0:
        if search(text, max(0, at - reach), at + reach + len(_LEAD_RULE_WORD)):
            return True
        at = text.find(_LEAD_RULE_WORD, at + 1)
    return False


def lead_symbols(text: str) -> frozenset[str]:
    """The marks a plan's legend says are leads ('注：标★的为牵头单位', '带*号的单位牵头')."""
    marks = vocabulary()["symbol_marks"]
    return frozenset(ch for pattern in _grammar()["symbol_legend"] for m in pattern.finditer(text)
                     for ch in m.group("syms") if ch in marks)


def _strip_symbol(name: str) -> tuple[str, str | None, int]:
    """'市公安局★' -> ('市公安局', '★', 0); '★市公安局' -> ('市公安局', '★', 1)."""
    m = _grammar()["symbol_edge"].search(name)
    if not m or len(m.group()) == len(name):
        return name, None, 0
    stripped = name[:m.start()] + name[m.end():]
    return stripped, m.group()[0], (m.end() if m.start() == 0 else 0)


def role_of_verb(verb: str) -> str:
    """'牵头负责' / '负责牵头' -> lead; '按职责分工配合' / '分别负责' -> support (负责 alone never leads)."""
    return "lead" if _grammar()["lead_verb"].search(verb) else "support"


@dataclass
class Unit:
    name: str
    start: int
    end: int
    role: str | None          # "lead" | "support" | None (not said yet)
    marked: bool = False      # the role came from a word next to the unit, not from the list
    symbol: str | None = None  # a mark printed on the unit ('A★'), read against the plan's legend


@dataclass
class Clause:
    kind: str                 # bracket | label | sentence | duty_sentence | task_table
    units: list[Unit]
    start: int


# ---------------------------------------------------------------- units

@lru_cache(maxsize=65536)   # pure, and asked of the same names many times per plan
def looks_like_unit(name: str) -> bool:
    """A name that reads as an agency or office: a known ending, or a type in ontology/agency_types.ttl;
    '各…' collectives ('各县(市、区)', '各区、市政府') too. A bare place name is not a unit."""
    if not name or len(name) < 2 or len(name) > 40 or not _CJK.search(name):
        return False
    if re.search(r"[。；;:：,，\s\d]", name) or _grammar()["not_in_name"].search(name) or lookup(name) is not None:
        return False
    if AGENCY_END.search(name):
        return True
    if name.startswith("各"):   # a collective: its head must say what it is
        return bool(_COLLECTIVE_PLACES.match(name))
    try:
        from policykg.ontology.vocab import classify_agency
    except ImportError:   # the vocabulary is not shipped: endings alone decide
        return False
    return classify_agency(name) is not None


_COLLECTIVE_PLACES = re.compile(r"^各.{0,12}(?:县|市|区|州|盟|旗|乡镇|街道|园区|开发区)(?:[(（][^()（）]*[)）])?$")


@lru_cache(maxsize=None)
def _brackets_or(seps: str) -> re.Pattern:
    """One bracket or one of `seps`: the only characters `_split_top` has to look at."""
    return re.compile("[" + "".join(re.escape(ch) for ch in _OPEN + _CLOSE + seps) + "]")


def _split_top(text: str, seps: str) -> list[tuple[str, int]]:
    """Split on any of `seps` outside brackets; (piece, offset) pairs, empty pieces dropped."""
    out, depth, start = [], 0, 0
    for m in _brackets_or(seps).finditer(text):
        ch = m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            _keep_piece(out, text, start, m.start())
            start = m.start() + 1
    _keep_piece(out, text, start, len(text))
    return out


def _keep_piece(out: list[tuple[str, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip(_SPACE)
    if stripped:
        out.append((stripped, start + len(piece) - len(piece.lstrip(_SPACE))))


_LIST_WORDS = re.compile(r"^(?:由|并由|其中|以及|及|和|与|[、,，;；。:：\s])+")


def _strip_item(raw: str) -> tuple[str, int]:
    """Drop list words around a unit: leading 由/及/label, trailing 等有关部门 and stray punctuation."""
    g = _grammar()
    text, shift = raw, 0
    while True:
        before = text
        m = _LIST_WORDS.match(text)
        if m:
            text, shift = text[m.end():], shift + m.end()
        m = g["opener"].match(text)   # '会同B、C': the word that brings in the supporting units
        if m and looks_like_unit(_strip_item(text[m.end():])[0]):
            text, shift = text[m.end():], shift + m.end()
        m = g["label_start"].match(text)
        if m and len(text) > m.end() + 1 and looks_like_unit(text[m.end():]):
            text, shift = text[m.end():], shift + m.end()   # "参加单位省大数据局": the label is not part of the name
        text = g["tail"].sub("", text).rstrip("。.;；,，:： \t\u3000\n")
        if text == before:
            return text, shift


def _split_joined(name: str, offset: int) -> list[tuple[str, int]]:
    """'A及B' / 'A和B' / 'A B' are two units when both sides read as units on their own."""
    for literal, joiner in _joiners():
        if literal is not None and literal not in name:
            continue   # no split possible: skip the regex
        parts = joiner.split(name)
        if len(parts) < 3:
            continue
        pieces, pos = [], 0
        for i, part in enumerate(parts):
            if i % 2 == 0:
                pieces.append((part, offset + pos))
            pos += len(part)
        if all(looks_like_unit(p.strip()) and AGENCY_END.search(p.strip()) for p, _ in pieces):
            return [(p.strip(), o) for p, o in pieces]
    return [(_SPACES.sub("", name), offset)]


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _joiners() -> list[tuple[str | None, re.Pattern]]:
    """(literal joiner or None for spaces, its capturing split pattern), in the order tried."""
    words = sorted(vocabulary()["unit_joiners"], key=len, reverse=True)
    return [(None, re.compile(r"(\s+)")), *((w, re.compile(f"({re.escape(w)})")) for w in words)]


def _shared_heads(items: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """'济南、青岛、烟台市政府' -> three 市政府; '各区、市政府' stays one unit."""
    out: list[tuple[str, int, int]] = []
    pending: list[tuple[str, int, int]] = []
    for name, start, end in items:
        if (not looks_like_unit(name) or _COLLECTIVE_PLACES.match(name)) and len(name) <= 12:
            pending.append((name, start, end))   # a place or '各区' waiting for its head
            continue
        if pending:
            place = find_place(name)
            if place and place[1] == 0 and all(lookup(p) for p, _, _ in pending):
                head, level = name[place[2]:], name[place[2] - 1]
                level = level if level in "市省县区州盟旗" else ""
                for p, s, e in pending:
                    out.append((p + ("" if p.endswith(level) else level) + head, s, e))
            elif len(name) <= 4 and all(p.startswith("各") or len(p) <= 3 for p, _, _ in pending):
                first = pending[0]
                printed = "、".join(p for p, _, _ in pending) + "、" + name
                out.append((printed, first[1], end))
                pending = []
                continue
            else:
                # '市高新区、经开区管委会': each item takes the head of the last one
                head = next((h for h in sorted(vocabulary()["shared_heads"], key=len, reverse=True)
                             if name.endswith(h) and len(name) > len(h)), None)
                if head and all(looks_like_unit(p + head) for p, _, _ in pending):
                    out.extend((p + head, s, e) for p, s, e in pending)
                else:
                    out.extend(pending)
            pending = []
        out.append((name, start, end))
    return out + pending


def _split_after_marks(pieces: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """'A（牵头）B': a unit printed right after another's bracketed mark starts an item of its own."""
    mark = _grammar()["mark_inside"]
    out = []
    for piece, offset in pieces:
        start = 0
        for m in mark.finditer(piece):
            rest = piece[m.end():].lstrip(_SPACE)
            if rest and _CJK.match(rest) and looks_like_unit(piece[start:m.start()].strip(_SPACE)):
                out.append((piece[start:m.end()], offset + start))
                start = len(piece) - len(rest)
        out.append((piece[start:], offset + start))
    return out


def parse_items(text: str, base: int, role: str | None, *, strict: bool) -> list[Unit] | None:
    """A printed unit list ('A、B(牵头)、C牵头') -> units; None when `strict` and an item is not a unit.
    Parsed once per (list, role, strictness) at offset 0, like parse_labelled."""
    parsed = _items_at_zero(text, role, strict)
    if parsed is None:
        return None
    return [Unit(name, start + base, end + base, unit_role, marked, symbol)
            for name, start, end, unit_role, marked, symbol in parsed]


@lru_cache(maxsize=65536)
def _items_at_zero(text: str, role: str | None, strict: bool) -> tuple[tuple, ...] | None:
    units = _parse_items(text, 0, role, strict=strict)
    if units is None:
        return None
    return tuple((u.name, u.start, u.end, u.role, u.marked, u.symbol) for u in units)


def _parse_items(text: str, base: int, role: str | None, *, strict: bool) -> list[Unit] | None:
    g = _grammar()
    raw_items: list[tuple[str, int, int, str | None]] = []   # name, start, end, own role
    boxed: set[int] = set()   # starts of items whose role came from a bracketed mark
    symbols: dict[tuple[int, int], str] = {}   # (start, end) -> a printed mark ('A★')
    for piece, offset in _split_after_marks(_split_top(text, "、/／")):
        name, shift = _strip_item(piece)
        name, symbol, lead_shift = _strip_symbol(name)
        shift += lead_shift
        own, in_box = None, False
        m = g["mark"].match(name)
        if m:
            own = "lead" if m.group("mark") in vocabulary()["lead_marks"] else "support"
            name, in_box = m.group("name"), True
        else:
            v = _verb_end(name)
            if v and v.group("units").strip():
                own, name = role_of_verb(v.group("verb")), v.group("units")
                name, _ = _strip_item(name)
        if not name:
            continue
        start = base + offset + shift
        for part, part_start in _split_joined(name, start):
            raw_items.append((part, part_start, part_start + len(part), own))
            if symbol:
                symbols[(part_start, part_start + len(part))] = symbol
            if in_box:
                boxed.add(part_start)
    if not raw_items:
        return None if strict else []
    roles = {(s, e): own for _, s, e, own in raw_items}
    merged = _shared_heads([(n, s, e) for n, s, e, _ in raw_items])
    units, pending = [], []
    for name, start, end in merged:
        if strict and not looks_like_unit(name):
            return None
        if not _CJK.search(name) or len(name) < 2:
            continue
        own = roles.get((start, end)) or next((o for (s, e), o in roles.items() if start <= s and e <= end and o), None)
        symbol = symbols.get((start, end)) or next((m for (s, e), m in symbols.items() if start <= s and e <= end), None)
        unit = Unit(name, start, end, own, marked=own is not None, symbol=symbol)
        units.append(unit)
        if own and start in boxed:
            continue   # 'A、B(牵头)': a bracketed mark is B's alone; A takes the list's role
        pending.append(unit)
        if own:   # 'A、B牵头、C': a mark closes the items before it
            for u in pending:
                u.role = own
            pending = []
    for u in pending:
        u.role = role
    return units


def parse_list_clause(text: str, base: int, role: str | None, *, strict: bool) -> tuple[list[Unit], bool, bool]:
    """Sub-clauses split on ,，;； -> (units, a role word was seen, every sub-clause parsed)."""
    g = _grammar()
    units: list[Unit] = []
    waiting: list[Unit] = []   # verb-less sub-clauses waiting for the next verb (no label)
    saw_role, all_ok = role is not None, True
    text = g["verb_space"].sub(lambda m: "，" + m.group(0)[1:], text)   # same length: offsets stay
    for piece, offset in _split_top(text, ",，;；。"):
        piece_clean, shift = _strip_item(piece)
        if not piece_clean:
            continue
        v = _verb_end(piece_clean)
        if v and v.end("units") == 0 and g["verb_only"].fullmatch(piece_clean):
            # 'A、B，分别牵头' / '责任单位：A、B，按职责分工负责': a verb naming no unit of its own says the
            # role of the unlabelled list before it (a labelled list keeps the label's role)
            for u in waiting:
                u.role = role_of_verb(piece_clean)
            saw_role, waiting = saw_role or bool(waiting), []
            continue
        if v and v.group("units").strip():
            verb_role = role_of_verb(v.group("verb"))
            items = parse_items(v.group("units"), base + offset + shift, verb_role, strict=strict)
            if items is None:
                all_ok = False
                continue
            listed = {u.name for u in units}
            if not (items and all(u.name in listed for u in items)):
                for u in waiting:   # 'A、B，C配合': the list before takes the verb's role
                    u.role = verb_role
            # else 'A、B、C，A牵头' names again a unit of the list: only that unit's role is said
            waiting = []
            saw_role = True
            units.extend(items)
            continue
        items = parse_items(piece_clean, base + offset + shift, role, strict=strict)
        if items is None:
            all_ok = False
            continue
        saw_role = saw_role or any(u.marked for u in items)
        if role is None:
            waiting.extend(u for u in items if u.role is None)
        units.extend(items)
    for u in units:
        if u.role is None:
            u.role = "support"
    return units, saw_role, all_ok


_ITEM_BREAK = re.compile(r"[、,，;；:：。\n(（]")
_AFTER_MARK = frozenset("、,，;；。)）】]］ \t\u3000\n")


def _boxed_mark(text: str, m: re.Match) -> bool:
    """'市市场监管局【牵头】、市科技局': a box holding a mark word printed right after a unit, before
    the next item, marks that unit; it is no label opening a list ('【牵头单位】A' is one)."""
    word = m.group("boxed")
    v = vocabulary()
    if not word or word not in v["lead_marks"] + v["support_marks"] or text[m.end() - 1:m.end()] in ":：":
        return False
    before = text[:m.start()].rstrip(" \t\u3000")
    item = _ITEM_BREAK.split(before)[-1]
    after = text[m.end():m.end() + 1]
    return bool(item) and looks_like_unit(_strip_item(item)[0]) and (after == "" or after in _AFTER_MARK)


def parse_labelled(text: str, base: int) -> list[Unit] | None:
    """'牵头单位:A、B;配合单位:C' (any labels, any separators) -> units; None without a label.

    The same label clause is printed again and again (in a plan, and across plans), and what it
    says does not depend on where it stands: it is parsed once at offset 0 and its units are
    moved to `base` (new Unit objects each time: callers may change their roles)."""
    parsed = _labelled_at_zero(text)
    if parsed is None:
        return None
    return [Unit(name, start + base, end + base, role, marked, symbol)
            for name, start, end, role, marked, symbol in parsed]


@lru_cache(maxsize=65536)
def _labelled_at_zero(text: str) -> tuple[tuple, ...] | None:
    units = _parse_labelled(text, 0)
    if units is None:
        return None
    return tuple((u.name, u.start, u.end, u.role, u.marked, u.symbol) for u in units)


def _parse_labelled(text: str, base: int) -> list[Unit] | None:
    g = _grammar()
    if not g["label_word"].search(text):
        return None   # every label needs a label word: one quick search instead of the label grammar
    labels = [m for m in finditer_by_twin(g["label"], g["label_twin"], text) if not _boxed_mark(text, m)]
    if not labels:
        return None
    units: list[Unit] = []
    head = text[:labels[0].start()]
    if head.strip(_SPACE + "。,，;；"):
        found, saw_role, _ = parse_list_clause(head, base, None, strict=True)
        if saw_role:
            units.extend(found)
    for i, m in enumerate(labels):
        label = m.group("boxed") or m.group("plain") or m.group("spaced")
        role = g["labels"][label]
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        chunk = text[m.end():end]
        chunk = re.split(r"。", chunk, maxsplit=1)[0]    # "…。排名第一的单位为牵头单位,下同"
        if role == "other":
            continue
        found, _, _ = parse_list_clause(chunk, base + m.end(), role, strict=False)
        units.extend(u for u in found if looks_like_unit(u.name)
                     or (3 <= len(u.name) <= 20 and not re.search(r"\d|年|月|完成|前$", u.name)))
    return units


# ---------------------------------------------------------------- clauses in a measure

def _blank(text: str, spans) -> str:
    """Every character of the spans but line breaks turned into a space (offsets stay). A run of
    spaces per line of a span, not a regex replacing each character one match at a time (that
    was ~0.3 ms a plan, #24)."""
    for a, b in spans:
        blanked = "\n".join(" " * len(part) for part in text[a:b].split("\n"))
        text = text[:a] + blanked + text[b:]
    return text


_BRACKET = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")
_UNCLOSED_AFTER = 600   # characters after which an unclosed bracket is given up


def _brackets(body: str) -> list[tuple[int, int]]:
    """Top-level bracket pairs (open index, close index) in a measure's text."""
    out, stack = [], []
    for m in _BRACKET.finditer(body):
        i, ch = m.start(), m.group()
        if stack and i - 1 - stack[0] > _UNCLOSED_AFTER:   # an unclosed bracket: given up before i
            stack = []
        if ch in _OPEN:
            stack.append(i)
        elif stack:
            start = stack.pop()
            if not stack:
                out.append((start, i))
        if stack and i - stack[0] > _UNCLOSED_AFTER:
            stack = []
    return out


def _bare_bracket_ok(body: str, start: int, end: int, inner: str) -> bool:
    """A bracket with no label and no verb: a unit list only at a clause end, not an alias."""
    g = _grammar()
    if g["not_bare"].search(inner) or re.search(r"\d", inner):
        return False
    before = body[:start].rstrip(" \t\u3000")
    prefix = re.split(r"[。；;，,:：\n、]", before)[-1]
    if prefix and AGENCY_END.search(prefix):
        return False   # 省市场监管局(知识产权局): an alias of the name before it
    after = body[end + 1:end + 2]
    return after == "" or after in "。；;，,\n \t\u3000" or after in _OPEN


def _bracket_clauses(body: str, base: int) -> tuple[list[Clause], list[tuple[int, int]]]:
    g = _grammar()
    clauses, used = [], []
    for start, end in _brackets(body):
        inner = body[start + 1:end]
        if g["label"].fullmatch("【" + inner.strip(_SPACE) + "】") or inner.strip(_SPACE) in g["labels"]:
            continue   # '【责任单位】A、B': a boxed label, read with the label lines
        rule = g["lead_rule"].search(inner)
        cleaned = _blank(inner, [m.span() for m in g["lead_rule"].finditer(inner)]
                         + [m.span() for m in g["noise"].finditer(inner)])
        labelled = parse_labelled(cleaned, base + start + 1)
        if labelled is not None:
            units = labelled
        else:
            units, saw_role, all_ok = parse_list_clause(cleaned, base + start + 1, None, strict=True)
            if not units:
                continue
            if not saw_role and not (all_ok and _bare_bracket_ok(body, start, end, cleaned)):
                continue
            if saw_role and not all_ok and not rule:
                # a bracket of prose with one unit-like phrase: keep only if it ends the clause
                if not _bare_bracket_ok(body, start, end, "") and body[end + 1:end + 2] not in ("", "。", "\n"):
                    continue
        if units:
            clauses.append(Clause("bracket", units, base + start))
            used.append((start, end + 1))
    return clauses, used


def _indented_units(line: str) -> bool:
    """'　　　　　市财政局、市发改委' under a label line: an indented line that is wholly a unit list
    goes on with the list above (a list wrapped where no 、 was left at the line end)."""
    if not line[:1] or line[:1] not in " \t\u3000" or _grammar()["label_word"].search(line):
        return False
    units = parse_items(line.strip(_SPACE), 0, None, strict=True)
    return bool(units) and all(looks_like_unit(u.name) for u in units)


def _slash_clauses(body: str, base: int) -> tuple[list[Clause], list[tuple[int, int]]]:
    """'牵头单位/配合单位：A/B、C' (in a bracket or on a line): the first label's role for the units
    before the slash, the second's for those after it."""
    g = _grammar()
    clauses, used = [], []
    if "/" not in body and "／" not in body:
        return clauses, used
    for m in g["slash_labels"].finditer(body):
        values = m.group("values").rstrip("。；; \t\u3000")
        cut = re.search(r"[/／]", values).start()
        units: list[Unit] = []
        for label, part, offset in ((m.group("first"), values[:cut], 0),
                                    (m.group("second"), values[cut + 1:], cut + 1)):
            items = parse_items(part, base + m.start("values") + offset, g["labels"][label], strict=True)
            if not items:
                units = []
                break
            units.extend(items)
        if units:
            clauses.append(Clause("label", units, base + m.start()))
            used.append((m.start(), m.start("values") + len(values)))
    return clauses, used


def _label_clauses(body: str, base: int) -> tuple[list[Clause], list[tuple[int, int]]]:
    """Label lines and inline labels outside brackets: from the first label to the end of its line."""
    g = _grammar()
    clauses, used = [], []
    if not g["label_word"].search(body):
        return clauses, used   # every label pattern needs a label word
    lines = body.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    label_word = g["label_word"].search
    k = 0
    while k < len(lines):
        line, pos = lines[k], starts[k]
        if not label_word(line):
            k += 1
            continue   # both label patterns below need a label word in the line
        spaced = g["label_spaced"].match(line)
        if spaced:   # '责任单位  市科技局': a label at the line start followed by spaces
            line = line[:spaced.end("label")] + ":" + line[spaced.end("label") + 1:]
        for m in finditer_by_twin(g["label"], g["label_twin"], line):
            if _boxed_mark(line, m):
                continue   # 'A【牵头】、B' on a line of its own: a marked list, read with the prose
            before = line[:m.start()]
            if before.strip() and before[-1] not in "。；;，,:：)）】] \t\u3000" and not m.group("boxed"):
                continue   # '确定牵头单位:' in prose is not a label; 'task  牵头单位:' is
            # a list ending in 、 or , goes on on the next line
            last = k
            while last + 1 < len(lines) and lines[last + 1].strip() and (
                    re.search(r"[、,，]\s*$", lines[last])
                    or (last == k and not line[m.end():].strip())   # '责任单位：' alone, the list below
                    or _indented_units(lines[last + 1])):
                last += 1
            clause = "\n".join([line] + lines[k + 1:last + 1])[m.start():]
            units = parse_labelled(clause, base + pos + m.start()) or []
            if units:
                clauses.append(Clause("label", units, base + pos + m.start()))
                used.append((pos + m.start(), starts[last] + len(lines[last])))
                k = last
            break
        k += 1
    return clauses, used


# 由 first, then the look back past it (not a look back first): a pattern opening on a literal
# lets the regex engine skip to it
_BY = re.compile(r"由(?<![自理缘经因]由)(?!于|此|衷|来)")
_SENTENCE_END = re.compile(r"[。；;\n]|$")
_SENTENCE_MARK = re.compile(r"[。；;\n]")


def _split_after_sentences(text: str) -> list[str]:
    """`text` cut after every 。；; and line break (what splitting on the look-back (?<=[。；;\n])
    gives, a last empty piece included): found by the characters themselves, since a pattern
    that is only a look-back is tried at every position of every measure."""
    pieces, last = [], 0
    for m in _SENTENCE_MARK.finditer(text):
        pieces.append(text[last:m.end()])
        last = m.end()
    pieces.append(text[last:])
    return pieces
_DUTY_VERB = re.compile(r"职|分工|分别|各自|共同")


def _sentence_clauses(body: str, base: int) -> list[Clause]:
    """'由A牵头,B、C配合' / '由A负责' sentences, and prose sub-clauses 'A牵头,B配合' / '各X按职责分工负责'."""
    g = _grammar()
    clauses = []
    taken: list[tuple[int, int]] = []
    for m in _BY.finditer(body):
        sentence_end = _SENTENCE_END.search(body, m.end()).start()
        sentence = body[m.end():sentence_end]
        if PLAN_LEVEL.search(sentence) or PLAN_LEVEL.search(body[max(0, m.start() - 40):m.start()]):
            continue   # "本方案…由X负责牵头组织实施" is the plan's lead, not this measure's
        units: list[Unit] = []
        for k, (piece, offset) in enumerate(_split_top(sentence, ",，")):
            v = g["verb_start"].match(piece)
            if not v or g["verb_de"].search(piece):
                break   # '建立由A牵头、B参与的协调机制': an attribute of a mechanism, not who carries the measure
            verb_role = role_of_verb(v.group("verb"))
            if k == 0 and verb_role != "lead" and not v.group("verb").startswith("负"):   # 由A负责 / 由A负总责
                break
            items = parse_items(v.group("units"), base + m.end() + offset, verb_role, strict=True)
            if not items or (k == 0 and any(g["generic"].match(u.name) for u in items)):
                break   # '由有关部门负责' names nobody; '由A牵头,有关部门配合' keeps 有关部门 like a bracket would
            units.extend(items)
        if units:
            clauses.append(Clause("sentence", units, base + m.start()))
            taken.append((m.start(), sentence_end))
    # prose sub-clauses that are wholly a unit list closed by a role verb
    role_verb, role_mark = g["role_verb"].search, g["mark_inside"].search
    pos = 0
    for sentence in _split_after_sentences(body):
        s_start = pos
        pos += len(sentence)
        if not (role_verb(sentence) or role_mark(sentence)):
            continue   # every piece below needs a role verb or a mark in its text: none gives units
        if any(a <= s_start < b for a, b in taken) or PLAN_LEVEL.search(sentence):
            continue
        pieces = []
        for piece, offset in _split_top(sentence, ",，。；;\n"):
            v = _verb_end(piece.rstrip("。；; "))
            items = None
            if v and v.group("units").strip():
                items = parse_items(v.group("units"), base + s_start + offset, role_of_verb(v.group("verb")), strict=True)
            elif g["mark_inside"].search(piece):
                # 'A【牵头】、B、C' with no verb: a list whose marks say the roles
                listed = parse_items(piece.rstrip("。；; "), base + s_start + offset, None, strict=True)
                items = listed if listed and any(u.marked for u in listed) else None
            pieces.append((v.group("verb") if v else "", items or None, base + s_start + offset))
        if pieces and all(items for _, items, _ in pieces):
            # the whole sentence is unit lists closed by role verbs: 'A牵头,B、有关部门配合。'
            units = [u for _, items, _ in pieces for u in items]
            if any(not g["generic"].match(u.name) and not u.name.startswith("各") for u in units) or \
                    all(_DUTY_VERB.search(verb) for verb, _, _ in pieces):
                kind = "duty_sentence" if all(_DUTY_VERB.search(verb) for verb, _, _ in pieces) else "sentence"
                clauses.append(Clause(kind, units, pieces[0][2]))
            continue
        run = []   # '支持企业发展,市工信局牵头,市科技局参与。': the sentence ends in unit lists
        for piece in reversed(pieces):
            if not piece[1]:
                break
            run.insert(0, piece)
        if run and any(verb for verb, _, _ in run) and any(
                not g["generic"].match(u.name) and not u.name.startswith("各") for _, items, _ in run for u in items):
            kind = "duty_sentence" if all(_DUTY_VERB.search(verb) for verb, _, _ in run) else "sentence"
            clauses.append(Clause(kind, [u for _, items, _ in run for u in items], run[0][2]))
            continue
        for verb, items, start in pieces:
            if items and _DUTY_VERB.search(verb):   # '…,各县区政府按职责分工负责'
                clauses.append(Clause("duty_sentence", items, start))
    return clauses


def ends_with_role_sentence(text: str) -> bool:
    """Does `text` (one numbered item) close with a sentence that is wholly unit lists closed by
    role verbs, naming a lead ('…。市工信局牵头，市科技局、市财政局配合。')? Such a sentence is the
    item's responsibility block in prose; extract/components/measures.py takes it as evidence that
    the item is a measure of its own, as a bracket or a label line would be."""
    sentences = [s for s in _split_after_sentences(text.rstrip(_SPACE)) if s.strip(_SPACE + "。；;")]
    if len(sentences) < 2:
        return False   # the item's only sentence is its title and task: no closing block
    last = sentences[-1].strip(_SPACE)
    clauses = _sentence_clauses(last, 0)
    return any(c.kind == "sentence" and c.start <= 1 and any(u.role == "lead" for u in c.units)
               for c in clauses)


def find_clauses(measure: Measure, text: str) -> list[Clause]:
    """Every responsibility clause in a measure's text, in printed order."""
    g = _grammar()
    body = text[measure.start:measure.end]
    body = _blank(body, [m.span() for m in g["page"].finditer(body)])   # '— 4 —' inside a list
    slashed, used_slashed = _slash_clauses(body, measure.start)
    body = _blank(body, used_slashed)
    brackets, used = _bracket_clauses(body, measure.start)
    labels, used_labels = _label_clauses(_blank(body, used), measure.start)
    labels += slashed
    prose = _sentence_clauses(_blank(body, used + used_labels), measure.start)
    if brackets or labels:
        # with a printed block, '由X牵头,建立…' in the prose says who steers the activity, not who
        # carries the measure; a duty sentence '各X按职责分工负责' still adds its units
        prose = [c for c in prose if c.kind == "duty_sentence"]
    return sorted(brackets + labels + prose, key=lambda c: c.start)


# ---------------------------------------------------------------- task tables

def _row_for(measure: Measure, rows: list[TaskRow]) -> TaskRow | None:
    """The table row describing a measure: same span, or its title in the task cell, or same number and a similar task."""
    title = nfkc_key(measure.title)
    best, best_score = None, 0.0
    for row in rows:
        if (row.task_start, row.task_end) == (measure.start, measure.end):
            return row
        task = nfkc_key(row.task)
        score = 1.0 if title and len(title) >= 4 and (title in task or task in title) else \
            SequenceMatcher(None, title, task[: len(title) + 10], autojunk=False).ratio()
        if row.no and row.no == measure.no:
            score += 0.3
        if score > best_score:
            best, best_score = row, score
    return best if best_score >= 0.8 else None


def _table_clauses(row: TaskRow) -> list[Clause]:
    clauses = []
    for role in ("lead", "support"):
        for cell, offset in getattr(row, role):
            units, _, _ = parse_list_clause(cell, offset, role, strict=False)
            if units:
                clauses.append(Clause("task_table", units, offset))
    return clauses


# ---------------------------------------------------------------- per measure

def _merge(measure: Measure, clauses: list[Clause], first_is_lead: bool,
           lead_marks: frozenset[str] = frozenset()) -> list[Responsibility]:
    rules: dict[str, str] = {}
    order: list[Unit] = []
    by_name: dict[str, Unit] = {}
    table_lead = any(u.role == "lead" for c in clauses if c.kind == "task_table" for u in c.units)
    for clause in clauses:
        listed = clause.kind in ("bracket", "label", "task_table")
        has_lead = any(u.role == "lead" or u.symbol in lead_marks for u in clause.units) \
            or (clause.kind == "task_table" and table_lead)
        for i, unit in enumerate(clause.units):
            role, rule = unit.role or "support", clause.kind
            if unit.symbol and unit.symbol in lead_marks:
                role, rule = "lead", f"{clause.kind}+symbol_legend"
            elif first_is_lead and listed and not has_lead and i == 0:
                role, rule = "lead", f"{clause.kind}+first_is_lead"
            if unit.name not in by_name:
                kept = Unit(unit.name, unit.start, unit.end, role)
                by_name[unit.name] = kept
                order.append(kept)
                rules[unit.name] = rule
            elif role == "lead" and by_name[unit.name].role != "lead":
                by_name[unit.name].role = "lead"   # leads in one clause, helps in another: the lead
                rules[unit.name] = rule
    return [Responsibility(measure_id=measure.id, agency=u.name, role=u.role, rank=i, start=u.start, end=u.end,
                           rule=rules[u.name]) for i, u in enumerate(order, 1)]


def find_responsibilities(measures: list[Measure], text: str) -> list[Responsibility]:
    first_is_lead = states_first_is_lead(text)
    marks = lead_symbols(text)
    rows = find_task_tables(text)
    out: list[Responsibility] = []
    for measure in measures:
        clauses = find_clauses(measure, text)
        if not clauses and rows:
            row = _row_for(measure, rows)
            clauses = _table_clauses(row) if row else []
        out.extend(_merge(measure, clauses, first_is_lead, marks))
    return out


def find_plan_leads(text: str) -> list[tuple[str, int, int]]:
    """'由市市场监管局负责牵头组织实施' at plan level (outside measures)."""
    found = []
    for m in re.finditer(r"由(?P<lead>[^,，。;；由]{2,40}?)(?:负责)?牵头(?:负责)?(?:组织实施|组织落实|抓好落实|实施|落实)", text):
        for unit in parse_items(m.group("lead"), m.start("lead"), "lead", strict=False) or []:
            if looks_like_unit(unit.name) and not _grammar()["generic"].match(unit.name):
                found.append((unit.name, unit.start, unit.end))
    return found
