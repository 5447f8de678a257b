"""Social-media text as words an encoder knows.

WordPiece cuts `#WhyImNotVotingForHillary` into fragments the encoder never learned to read, and a tweet's stance
often sits in its hashtags. Written out as words (`Why Im Not Voting For Hillary`), the same tweet reads like the
sentences MiniLM was trained on: on SemEval-2016's training split, the frozen-embedding model's 5-fold
cross-validated F_avg rose by about one point. Handles get the same treatment (`@tedcruz` -> `@ted cruz`), and links,
which carry no words, become one `http` token.
"""

from __future__ import annotations

import re
from functools import lru_cache

TAG = re.compile(r"([#@])(\w+)")
LINK = re.compile(r"https?://\S+|\bwww\.\S+")
CAMEL_CASE = re.compile(r"[a-z][A-Z]")
CAMEL_WORD = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65_536)
def tag_words(tag: str) -> str:
    """`HandOverTheServer` -> `Hand Over The Server` by its capitals; `hillaryforprison` -> `hillary for prison` by
    word frequencies (wordninja's English Wikipedia unigrams) where it has none."""
    if CAMEL_CASE.search(tag):
        return " ".join(CAMEL_WORD.findall(tag))
    import wordninja

    return " ".join(wordninja.split(tag)) or tag


def readable(text: str) -> str:
    """The text with hashtags written as words, handles split into words after their `@`, and links as `http`."""
    if "#" not in text and "@" not in text and "http" not in text and "www." not in text:
        return text
    text = LINK.sub("http", text)
    text = TAG.sub(lambda match: ("@" if match.group(1) == "@" else "") + tag_words(match.group(2)), text)
    return SPACES.sub(" ", text).strip()
