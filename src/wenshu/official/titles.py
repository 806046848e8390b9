"""公文 titles broken into lines between words (GB/T 9704-2012 7.3.1): jieba's segmentation plus the
district's own names, in a trapezoid or diamond shape. Deterministic: same title, same lines."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

# ─── titles ─────────────────────────────────────────────────────────────────────────────────────
#
# GB/T 9704 7.3.1: "回行时，要做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形。"
# A line may end only between two words: jieba (a dictionary-based Chinese segmenter, offline) gives
# the word boundaries, the district's own names (organs, departments, industries, projects) are kept
# whole on top of that, and a number stays with its unit ("2025年", "10月"). Among the breaks that
# fit, the one whose lines are closest to equal length and form a trapezoid (each line no shorter,
# or no longer, than the one above) or a diamond (longest in the middle) wins.

TITLE_MAX_ZI = 19  # a 2号 (22 pt) title: 442.2 pt / 22 pt = 20.1 字 in theory; LibreOffice wraps a 20-字 line (measured)

_NO_LINE_START = "，。、；：？！）》」』”’〕】…%"
_NO_LINE_END = "（《「『“‘〔【"
_OPENERS, _CLOSERS_T = "（《「『“‘〔【", "）》」』”’〕】"
# A number and the unit after it are one word: "2025年" must not break before "年".
_NUMBER_UNIT = re.compile(r"[0-9０-９.]+(?:年度|个月|季度|年|月|日|号|个|项|亿元|万元|元|家|批|期|次|%)?")


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


_TOKENIZER = None


def _tokens(text: str) -> list[str]:
    """jieba's words of ``text`` (a private tokenizer: the global one may carry other words)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.initialize()
        _TOKENIZER = tk
    return _TOKENIZER.lcut(text, HMM=True)


def title_words(district: Any, *extra: str) -> tuple[str, ...]:
    """The names a title line must not split: the district's organs (name and mark), departments
    (full and short name), industries, plus ``extra`` (a project's name ...). Duck-typed on the
    district model so this module stays free of the data models."""
    words: list[str] = []
    if district is not None:
        for o in getattr(district, "organs", ()) or ():
            words += [o.name, o.mark]
            if o.mark.endswith("文件"):
                words.append(o.mark[:-2])
        for d in getattr(district, "departments", ()) or ():
            words += [d.name, d.short]
        for i in getattr(district, "industries", ()) or ():
            words.append(i.name)
        for name in (getattr(district, "name", None), getattr(district, "government", None)):
            if name:
                words.append(name)
    words += [w for w in extra if w]
    return tuple(sorted({w.strip() for w in words if w and len(w.strip()) >= 2}))


# Phrases of this field that read as one term; a break inside one is allowed only when nothing
# better fits (softer than the district's own names, which are never split if any line fits).
_TERMS = ("投资项目", "绩效综合评价", "综合绩效评价", "绩效评价", "评价报告", "任务清单", "工作方案", "工作任务",
          "体系改革", "通报表彰", "通报批评", "人民政府", "办公室", "委员会")


def _spans(title: str, words: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for w in words:
        start = title.find(w)
        while start != -1:
            spans.append((start, start + len(w)))
            start = title.find(w, start + 1)
    return spans


def _break_points(title: str, words: Sequence[str]) -> dict[int, float]:
    """Every possible break position j (a line ends before title[j]) with its cost."""
    n = len(title)
    penalty = [0.0] * (n + 1)
    hard = _spans(title, words) + [(m.start(), m.end()) for m in _NUMBER_UNIT.finditer(title)]
    for spans, cost in ((hard, 60.0), (_spans(title, _TERMS), 8.0)):
        for a, b in spans:
            for j in range(a + 1, b):
                penalty[j] = max(penalty[j], cost)
    bounds, pos = set(), 0
    for tok in _tokens(title):
        pos += len(tok)
        bounds.add(pos)
    depth, nested = 0, [0] * (n + 1)
    for j, ch in enumerate(title):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS_T:
            depth = max(0, depth - 1)
        nested[j + 1] = depth
    out: dict[int, float] = {}
    for j in range(1, n):
        if title[j] in _NO_LINE_START or title[j - 1] in _NO_LINE_END:
            continue
        if title[j - 1].isascii() and title[j].isascii() and title[j - 1].isalnum() and title[j].isalnum():
            continue
        cost = penalty[j] + (0.0 if j in bounds else 40.0)  # inside a word: only if nothing else fits
        if nested[j]:
            cost += 3.0  # inside 《…》 or （…）: allowed (book titles are long) but not preferred
        if title.startswith("关于", j) and j >= 2:
            cost -= 25.0  # the issuing organ on a line of its own ("区人民政府办公室 / 关于……")
        if title[j - 1] in "的和与及或对":
            cost += 2.0  # a line ending in a function word reads as cut off
        out[j] = cost
    return out


def _shape_ok(widths: list[float]) -> bool:
    """梯形 (each line no shorter than the one above, or no longer) or 菱形 (longest line inside)."""
    tol = 0.5
    up = all(b >= a - tol for a, b in zip(widths, widths[1:]))
    down = all(b <= a + tol for a, b in zip(widths, widths[1:]))
    if up or down:
        return True
    top = widths.index(max(widths))
    return (all(b >= a - tol for a, b in zip(widths[:top + 1], widths[1:top + 1]))
            and all(b <= a + tol for a, b in zip(widths[top:], widths[top + 1:])))


def title_lines(title: str, max_zi: int = TITLE_MAX_ZI, words: Sequence[str] | None = None) -> str:
    """Break a 公文 title into lines joined by "\\n" (GB/T 9704 7.3.1).

    Lines break only between words (jieba's segmentation, plus ``words``: the district's organs,
    departments, industries, project names, see ``title_words``), never inside a number and its
    unit, never before closing or after opening punctuation. Of the breaks that keep every line
    within ``max_zi`` 字 (19 for a 2号 title), the chosen one has the fewest lines, a trapezoid or
    diamond shape, and lines of nearly equal length. Deterministic: same title, same lines.
    """
    title = (title or "").replace("\n", "").strip()
    total = _width(title)
    if total <= max_zi or len(title) < 2:
        return title
    points = _break_points(title, tuple(words or ()))
    cands = sorted(points)
    prefix = [0.0]
    for ch in title:
        prefix.append(prefix[-1] + _width(ch))
    best: tuple[float, tuple[int, ...]] | None = None
    lines_min = max(2, math.ceil(total / max_zi))
    low = min(0.0, min(points.values(), default=0.0))  # the cheapest break (a bonus may make it negative)
    end = len(title)
    for k in range(lines_min, lines_min + 2):
        if math.comb(len(cands), k - 1) > 20000:
            break  # a title of five lines or more (none is that long in practice): see below
        ideal = total / k
        extra = 25.0 * (k - lines_min)  # one more line only to avoid a bad break

        def search(start_i: int, at: int, left: int, cut: tuple[int, ...], dev: float, pts: float) -> None:
            """Cuts in ``itertools.combinations`` order, every line within ``max_zi``; a branch whose
            cost cannot beat the best so far (its lines so far, the rest at best evenly split, the
            cheapest breaks) is not followed. A full candidate's cost is computed as it always was."""
            nonlocal best
            if best is not None:
                rest = prefix[end] - prefix[at]
                bound = (dev + (left + 1) * (rest / (left + 1) - ideal) ** 2) / k + pts + left * low + extra
                if bound > best[0] + 1e-9:
                    return
            if left == 0:
                if prefix[end] - prefix[at] > max_zi:
                    return
                edges = (0, *cut, end)
                widths = [prefix[b] - prefix[a] for a, b in zip(edges, edges[1:])]
                cost = sum((w - ideal) ** 2 for w in widths) / k
                cost += sum(points[j] for j in cut)
                if best is not None and cost + extra >= best[0]:
                    return  # cannot win whatever its shape (the shape only adds)
                if not _shape_ok(widths):
                    cost += 30.0
                cost += extra
                if best is None or cost < best[0]:
                    best = (cost, cut)
                return
            for i in range(start_i, len(cands) - left + 1):
                j = cands[i]
                w = prefix[j] - prefix[at]
                if w > max_zi:
                    return  # this line and every longer one is too long
                if prefix[end] - prefix[j] > left * max_zi:
                    continue  # the rest cannot fit in the lines left; a later cut may
                search(i + 1, j, left - 1, (*cut, j), dev + (w - ideal) ** 2, pts + points[j])

        search(0, 0, k - 1, (), 0.0, 0.0)
        if best is not None and best[0] < 25.0:
            break
    if best is None:
        best = _greedy(title, prefix, points, max_zi)
    if best is None:  # nothing fits (no allowed break at all, e.g. 60 half-width digits)
        return title
    edges = (0, *best[1], len(title))
    return "\n".join(title[a:b] for a, b in zip(edges, edges[1:]))


def _greedy(title: str, prefix: list[float], points: dict[int, float], max_zi: int) -> tuple[float, tuple[int, ...]] | None:
    """Line by line, the allowed break nearest the remaining average: for titles too long to
    search exhaustively."""
    cuts: list[int] = []
    start = 0
    while prefix[-1] - prefix[start] > max_zi:
        left = prefix[-1] - prefix[start]
        ideal = left / math.ceil(left / max_zi)
        options = [j for j in points if j > start and prefix[j] - prefix[start] <= max_zi]
        if not options:
            return None
        j = min(options, key=lambda j: (abs(prefix[j] - prefix[start] - ideal) + points[j] / 10, j))
        cuts.append(j)
        start = j
    return 0.0, tuple(cuts)
