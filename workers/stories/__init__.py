"""Near-duplicates and stories: which earlier article a new one republishes, and which story it belongs to.

Pure logic over texts, signatures and times, no Kafka: `shingles` turns an article into hashed word
shingles, `minhash` into a fixed-size signature and LSH band keys, `index` remembers signatures for a
time horizon and answers `duplicate_of` and `story_id`; `records` is the JSON form of an index entry,
which the stream layer shares between workers.
"""
