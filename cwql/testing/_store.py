"""The fake's records: collections of JSON objects by id, safe to change while clients read."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import UsageError

__all__ = ["Store", "collection_key"]


def collection_key(path: str) -> str:
    """``/Service/Tickets/`` -> ``service/tickets``: how collections are named inside."""
    return path.strip("/").lower()


class Store:
    """Collections keyed by :func:`collection_key`; records keyed by their ``id``.

    Readers get a snapshot (a list made under the lock), so a record added or
    removed while a client pages shows up, or not, from the next request on,
    exactly as on a live server. Stored records are never changed in place:
    an update replaces the record, so a snapshot stays consistent. Each
    collection has a version, bumped by every change, so that what is worked
    out from a snapshot can be kept until the collection changes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._collections: dict[str, dict[int, dict[str, Any]]] = {}
        self._sorted: dict[str, list[dict[str, Any]]] = {}
        self._versions: dict[str, int] = {}
        # The highest id each collection has held: new ids count on from it,
        # as an identity column does (a removed record's id is not reused).
        self._top: dict[str, int] = {}

    def load(self, collections: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        # One JSON round trip copies everything and proves it is JSON, which
        # is all an API can serve.
        try:
            copied = json.loads(json.dumps({path: list(records) for path, records in collections.items()}))
        except (TypeError, ValueError) as e:
            raise UsageError(f"records must be JSON data (dicts, lists, str, numbers, bool, None): {e}") from None
        for path, records in copied.items():
            key = collection_key(path)
            with self._lock:
                self._collections.setdefault(key, {})
                for record in records:
                    if not isinstance(record, dict):
                        raise UsageError(f"a record in {path} is not an object: {record!r:.80}")
                    self._place(key, record)
                self._changed(key)

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._collections)

    def has(self, key: str) -> bool:
        with self._lock:
            return key in self._collections

    def snapshot(self, key: str) -> list[dict[str, Any]]:
        """The collection's records in ``id`` order (shared, not copied: do not change them)."""
        return self.view(key)[1]

    def view(self, key: str) -> tuple[int, list[dict[str, Any]]]:
        """The collection's version and its records in ``id`` order, taken together."""
        with self._lock:
            found = self._sorted.get(key)
            if found is None:
                records = self._collections.get(key, {})
                found = [records[i] for i in sorted(records)]
                self._sorted[key] = found
            return self._versions.get(key, 0), found

    def _changed(self, key: str) -> None:
        # Called with the lock held.
        self._sorted.pop(key, None)
        self._versions[key] = self._versions.get(key, 0) + 1

    def get(self, key: str, record_id: int) -> dict[str, Any] | None:
        with self._lock:
            return self._collections.get(key, {}).get(record_id)

    def add(self, path: str, record: Mapping[str, Any]) -> dict[str, Any]:
        stored = self._insert(collection_key(path), copy.deepcopy(dict(record)))
        return copy.deepcopy(stored)

    def _insert(self, key: str, stored: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._place(key, stored)
            self._changed(key)
        return stored

    def _place(self, key: str, stored: dict[str, Any]) -> None:
        # Called with the lock held.
        records = self._collections.setdefault(key, {})
        record_id = stored.get("id")
        if record_id is None:
            record_id = self._top.get(key, 0) + 1
            stored["id"] = record_id
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            raise UsageError(f"a record's id must be an int, not {record_id!r}")
        if record_id in records:
            raise UsageError(f"{key} already has a record with id {record_id}")
        records[record_id] = stored
        self._top[key] = max(self._top.get(key, 0), record_id)

    def update(self, path: str, record_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        key = collection_key(path)
        with self._lock:
            records = self._collections.get(key, {})
            if record_id not in records:
                raise UsageError(f"{key} has no record with id {record_id}")
            stored = {**records[record_id], **copy.deepcopy(dict(changes)), "id": record_id}
            records[record_id] = stored
            self._changed(key)
        return copy.deepcopy(stored)

    def remove(self, path: str, record_id: int) -> bool:
        key = collection_key(path)
        with self._lock:
            removed = self._collections.get(key, {}).pop(record_id, None) is not None
            if removed:
                self._changed(key)
        return removed
