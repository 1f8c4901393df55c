"""orjson as Faust's JSON codec, so every JSON byte Khabar writes goes through orjson."""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs

CODEC_NAME = "orjson"


class OrjsonCodec(codecs.Codec):
    """Faust codec: Python objects <-> compact UTF-8 JSON bytes."""

    def _dumps(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


def register() -> None:
    """Make `value_serializer="orjson"` available to Faust (idempotent)."""
    codecs.register(CODEC_NAME, OrjsonCodec())
