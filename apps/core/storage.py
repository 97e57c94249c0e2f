"""Static files in production: whitenoise's compressed, hashed names, each URL worked out once.

The manifest storage looks a name up, splits it and joins it back to the static URL on every
`{% static %}`; every page's shell asks for the same few files. The manifest is read once
when the process starts and never changes under it, so neither does a name's URL.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = super().url(name)
            if len(self._urls) < 4096:
                self._urls[name] = url
        return url
