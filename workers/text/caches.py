"""The sizes of the runtime's per-word caches, in one place: one budget for a worker's memory.

A live feed brings new words with every article, so each cache fills up and stays full: what the
caches hold at their limits is a steady part of a worker's resident memory, which must stay under
300 MB with the default tagger (`python -m lab.bench` reports the peak, on thousands of articles
none of which repeats). The sizes trade that memory against the time a forgotten word costs when
it comes back (a few microseconds in a rule layer's cache, about 50 in the tagger's table).

Measured offline on 2,000 new articles (ANERcorp and Wikipedia, one process, the caches full):
these sizes hold about 40 MiB where the earlier ones (65,536 per rule cache, 262,144 normalized
words, 200,000 walks and tagger words) held about 70 MiB still growing, for about 2 % more time.
"""

#: Each rule layer's cache of what it decides about one word (a flag, or a few forms): about 120 bytes an entry.
RULE_WORDS = 16_384
#: Normalized forms of tokens as written (`normalize.normalize_arabic_word`): about 90 bytes an entry.
NORMALIZED_WORDS = 32_768
#: The language identifier's remembered automaton walks, one per state and word: about 200 bytes each.
LANGUAGE_WALKS = 50_000
#: Word types whose feature weights the CRF tagger keeps summed (`ner.crf`): about 450 bytes each.
TAGGER_WORDS = 50_000
