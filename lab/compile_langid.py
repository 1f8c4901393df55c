"""Store py3langid's bundled model as arrays the runtime maps (`workers.text.language`).

    python -m lab.compile_langid [--out workers/text/data]

py3langid ships its model as an xz-compressed npz: every process that loads it decompresses 68 MB
(about 0.6 s) and holds the byte automaton as Python arrays (about 100 MB). The same arrays, stored
uncompressed as `.npy`, are mapped instead: the scores are computed from the very same numbers. Run
this again after upgrading py3langid (the runtime refuses a model stored from another version).
"""

from __future__ import annotations

import argparse
import io
import lzma
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import py3langid
from py3langid.langid import MODEL_DIR, MODEL_FILE

from workers.text.language import ARRAYS, DEFAULT_MODEL_DIR, METADATA_FILE, array_name
from workers.text.mapped import file_sha256, save_arrays


def compile_langid(out: Path, source: Path = MODEL_DIR / MODEL_FILE) -> None:
    """Write py3langid's model `source` (its npz inside xz) as the runtime's arrays in `out`."""
    with lzma.open(source) as packed, np.load(io.BytesIO(packed.read()), allow_pickle=False) as model:
        arrays = {
            "ptc": model["ptc"],  # per feature and class, float16 as py3langid scores them
            "pc": model["pc"],
            "nextmove": model["nextmove"],  # the automaton's distinct rows of 256 transitions, end to end
            "rows": model["nextmove_row"],  # per state, which of those rows is its own
            "output": model["out_feat"],  # per state, the feature it emits, -1 for none
        }
        classes = model["classes"].tolist()
    metadata = {
        "py3langid": py3langid.__version__,
        "source": MODEL_FILE,
        "source_sha256": file_sha256(source),
        "classes": classes,
    }
    save_arrays(out, METADATA_FILE, {array_name(name): arrays[name] for name in ARRAYS}, metadata)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="where the runtime reads the model")
    args = parser.parse_args(argv)
    compile_langid(args.out)
    print(f"py3langid {py3langid.__version__}'s model written to {args.out}")


if __name__ == "__main__":
    main()
