"""The article as a whole: its mentions grouped into distinct entities, how salient each is, and where
its places are. Works on the records the pipeline built (`workers.contract.records`), after tagging."""
