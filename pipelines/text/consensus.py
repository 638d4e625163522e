"""Join two extractors' main texts where they agree, line by line.

trafilatura and readability-lxml fail differently: trafilatura keeps a forum's replies or a
portal's footer, readability picks one block and drops the rest of a long notice. Their lines
are aligned in order: two lines match when most of the character 5-grams of one are in the
other (several short lines of one may sit inside one long line of the other), and the longest
chain of matches that never goes back in either text is the alignment. The text is the
stretch from the first to the last line both hold, taken from whichever holds more of it, then
extended by the running-text lines (``is_prose``) either one has right before or after it: the
paragraphs one of them cut, but not a reply, a copyright notice or a list of links.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict

from pipelines.text.boilerplate import is_prose

GRAM = 5  # characters of a shingle (letters and digits only, lower case)
MIN_GRAMS = 3  # shorter lines are not aligned (separators, single words)
MATCH = 0.8  # share of a line's shingles the other line must hold
MAX_GAP = 4  # alignable lines between the first (last) two matches: more, and it is stray
MAX_SHORT = 1  # non-prose lines an extension may step over (a subheading)
SEEN = 0.5  # an extension line with this share of its shingles already in the text repeats it
MIN_CHARS = 20  # a text with fewer letters and digits is no candidate


def shingles(line: str) -> set[str]:
    """The line's character 5-grams over its lower-cased letters and digits."""
    plain = "".join(ch for ch in line.lower() if ch.isalnum())
    return {plain[i : i + GRAM] for i in range(max(1, len(plain) - GRAM + 1))} if plain else set()


def size(lines: list[str]) -> int:
    """Letters and digits in some lines."""
    return sum(1 for line in lines for ch in line if ch.isalnum())


def merge(first: str, second: str) -> str:
    """The two texts' common stretch, extended by the running text either has around it."""
    if size([second]) < MIN_CHARS:
        return first
    if size([first]) < MIN_CHARS:
        return second
    ones, twos = first.split("\n"), second.split("\n")
    matched = align(ones, twos)
    pairs = trim_strays(matched, _rank(ones), _rank(twos))
    if not pairs:
        return first
    (a1, a2), (b1, b2) = pairs[0], pairs[-1]
    middle = max(ones[a1 : b1 + 1], twos[a2 : b2 + 1], key=size)  # ties: the first text
    seen = shingles("\n".join(middle))
    head = max(_fresh(before(ones, a1), seen), _fresh(before(twos, a2), seen), key=size)
    tail = max(_fresh(after(ones, b1), seen), _fresh(after(twos, b2), seen), key=size)
    # what lies between a stray match and the rest was judged not text: no extension into it
    head = head if pairs[0] == matched[0] else []
    tail = tail if pairs[-1] == matched[-1] else []
    return "\n".join(head + middle + tail)


def align(ones: list[str], twos: list[str]) -> list[tuple[int, int]]:
    """The longest in-order chain of matching lines; return (one, two) index pairs."""
    return longest_chain(matches(ones, twos))


def matches(ones: list[str], twos: list[str]) -> list[tuple[int, int]]:
    """Every (one, two) pair of matching lines: either holds most of the other's shingles."""
    grams = [shingles(line) for line in ones]
    index: dict[str, list[int]] = defaultdict(list)
    for i, ours in enumerate(grams):
        if len(ours) >= MIN_GRAMS:
            for gram in ours:
                index[gram].append(i)
    pairs = []
    for j, line in enumerate(twos):
        theirs = shingles(line)
        if len(theirs) < MIN_GRAMS:
            continue
        common = Counter(i for gram in theirs for i in index.get(gram, ()))
        pairs += [(i, j) for i, n in sorted(common.items())
                  if n >= MATCH * len(theirs) or n >= MATCH * len(grams[i])]
    return pairs


def longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of (one, two) pairs, ordered by two, with one never going back."""
    pairs = sorted(pairs, key=lambda pair: (pair[1], pair[0]))
    tails: list[int] = []  # tails[k]: the smallest ``one`` ending a chain of k + 1 pairs
    ends: list[int] = []  # ends[k]: the index in ``pairs`` of that chain's last pair
    back: list[int] = []  # the pair before each pair in its chain (-1: none)
    for position, (one, _) in enumerate(pairs):
        k = bisect_right(tails, one)
        back.append(ends[k - 1] if k else -1)
        if k == len(tails):
            tails.append(one)
            ends.append(position)
        else:
            tails[k], ends[k] = one, position
    chain, position = [], ends[-1] if ends else -1
    while position >= 0:
        chain.append(pairs[position])
        position = back[position]
    return chain[::-1]


def trim_strays(
    pairs: list[tuple[int, int]], ones: list[int], twos: list[int]
) -> list[tuple[int, int]]:
    """Drop matches far from the others at either end (a title repeated above a gallery);
    ``ones`` and ``twos`` rank each line among its text's alignable lines."""

    def far(one: tuple[int, int], other: tuple[int, int]) -> bool:
        """More than MAX_GAP alignable lines between two matches in either text."""
        return (abs(ones[other[0]] - ones[one[0]]) > MAX_GAP
                or abs(twos[other[1]] - twos[one[1]]) > MAX_GAP)

    while len(pairs) >= 2 and far(pairs[0], pairs[1]):
        pairs = pairs[1:]
    while len(pairs) >= 2 and far(pairs[-2], pairs[-1]):
        pairs = pairs[:-1]
    return pairs


def _rank(lines: list[str]) -> list[int]:
    """For each line, how many alignable lines (MIN_GRAMS shingles) come before it."""
    ranks, seen = [], 0
    for line in lines:
        ranks.append(seen)
        seen += len(shingles(line)) >= MIN_GRAMS
    return ranks


def after(lines: list[str], end: int) -> list[str]:
    """The running text right after line ``end``, stepping over a subheading."""
    return _extension(lines[end + 1 :])


def before(lines: list[str], start: int) -> list[str]:
    """The running text right before line ``start``, stepping over a subheading."""
    return list(reversed(_extension(list(reversed(lines[:start])))))


def _extension(lines: list[str]) -> list[str]:
    """Leading prose lines (with at most MAX_SHORT other lines between them)."""
    taken: list[str] = []
    waiting: list[str] = []
    for line in lines:
        if is_prose(line):
            taken += waiting + [line]
            waiting = []
        elif line.strip():
            waiting.append(line)
            if len(waiting) > MAX_SHORT:
                break
    return taken


def _fresh(lines: list[str], seen: set[str]) -> list[str]:
    """Lines that do not repeat what the text already holds."""
    fresh = []
    for line in lines:
        grams = shingles(line)
        if not grams or len(grams & seen) < SEEN * len(grams):
            fresh.append(line)
    return fresh
