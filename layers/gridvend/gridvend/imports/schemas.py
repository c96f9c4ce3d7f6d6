"""The request that starts an import."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from gridvend.imports.model import ImportKind


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ImportKind
    file_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    content_base64: Annotated[str, StringConstraints(min_length=1)]
    import_good_rows: bool = False
