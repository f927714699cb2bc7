"""Fault injection: throttling, server errors, latency, dropped connections, commit-then-fail."""

from __future__ import annotations

import difflib
import math
import random
import threading
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Final, Literal

from typing_extensions import Self

__all__ = ["FAULT_NAMES", "FaultPlan", "Faults", "unknown_name"]

Fault = Literal["throttle", "server_error", "drop", "commit_then_fail", "quota"]


@dataclass(frozen=True, kw_only=True)
class Faults:
    """What can go wrong with one operation's requests, as probabilities per request.

    At most one fault is drawn per request, so the probabilities must not add
    up to more than 1. Latency is added to every reply, faulty or not.

    Attributes:
        throttle: Reply with the service's throttling error, doing no work
            (Rekognition: ``ThrottlingException``, HTTP 400; Lookout for
            Vision: ``ThrottlingException``, HTTP 429 with ``Retry-After``).
        server_error: Reply with the service's internal error (HTTP 500),
            doing no work.
        drop: Close the connection without a reply, doing no work.
        commit_then_fail: Do the work, then reply with the internal error.
        latency: Seconds to wait before every reply.
        tps: The operation's quota, in requests a second, enforced as AWS
            does: a token bucket holding ``tps`` tokens (the burst), refilled
            at ``tps`` a second, per operation of each service. A request
            finding it empty is throttled as by ``throttle``, doing no work.
            ``None`` or 0: no quota.

    A name that is none of these is a ``TypeError`` that lists them.
    """

    throttle: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0
    commit_then_fail: float = 0.0
    latency: float = 0.0
    tps: float | None = None

    def __new__(cls, *args: object, **kwargs: object) -> Self:
        # Only to name the valid faults when one is misspelt: the generated
        # __init__ would say no more than "unexpected keyword argument".
        for name in kwargs:
            if name not in FAULT_NAMES:
                raise TypeError(unknown_name("fault", name, FAULT_NAMES))
        return super().__new__(cls)

    def __post_init__(self) -> None:
        probabilities = [self.throttle, self.server_error, self.drop, self.commit_then_fail]
        if any(not 0.0 <= p <= 1.0 for p in probabilities):  # NaN fails this too
            raise ValueError("fault probabilities must be between 0 and 1")
        if sum(probabilities) > 1.0 + 1e-9:
            raise ValueError("fault probabilities must not add up to more than 1")
        if not 0.0 <= self.latency < math.inf:
            raise ValueError("latency must be a finite number of seconds, not negative")
        if self.tps is not None and not 0.0 <= self.tps < math.inf:
            raise ValueError("tps must be a finite number of requests a second, not negative")

    @classmethod
    def parse(cls, text: str) -> tuple[str, Faults]:
        """Parse ``"Operation:name=value,..."`` (``*`` for every operation).

        Example: ``"CreateProject:commit_then_fail=0.3,throttle=0.2"``,
        ``"DetectCustomLabels:tps=20"``.

        Returns:
            The operation name and its faults.

        Raises:
            ValueError: The text is not of that form.
        """
        # The operation may carry a service prefix ("lookoutvision:CreateProject"):
        # the settings follow the last colon.
        operation, sep, settings = text.rpartition(":")
        if not sep or not operation.strip():
            raise ValueError(f"expected 'Operation:name=value,...', got {text!r}")
        values: dict[str, float] = {}
        for item in filter(None, (s.strip() for s in settings.split(","))):
            name, eq, value = item.partition("=")
            if not eq:
                raise ValueError(
                    f"expected a fault setting 'name=value', got {item!r}; faults: {', '.join(FAULT_NAMES)}"
                )
            if name.strip() not in FAULT_NAMES:
                raise ValueError(unknown_name("fault setting", name.strip(), FAULT_NAMES))
            try:
                values[name.strip()] = float(value)
            except ValueError:
                raise ValueError(f"fault setting {name.strip()!r} needs a number, not {value!r}") from None
        return operation.strip(), cls(**values)


#: The names of the faults, as ``Faults`` and ``--faults`` take them.
FAULT_NAMES: Final = tuple(f.name for f in fields(Faults))


def unknown_name(kind: str, name: str, valid: Iterable[str]) -> str:
    """The message for a name that is not one of ``valid``: a close match, then every valid name.

    Args:
        kind: What the name names (``"fault"``, ``"operation"``).
        name: The name given.
        valid: The names accepted.
    """
    choices = sorted(valid)
    close = difflib.get_close_matches(name, choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {kind} {name!r}{hint}; valid: {', '.join(choices)}"


class FaultPlan:
    """The faults of every operation, drawn from one seeded random generator."""

    def __init__(
        self,
        faults: Mapping[str, Faults] | None = None,
        seed: int | None = None,
        *,
        operations: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        """Set the faults.

        Args:
            faults: Faults per operation (``"CreateProject"``,
                ``"lookoutvision:CreateProject"`` or ``"*"``).
            seed: Seed of the draws; ``None`` seeds from the system's randomness.
            operations: The operations of each service (``{"rekognition": {...}}``);
                when given, a fault for any other operation is refused. The
                emulator passes its services' operations.

        Raises:
            ValueError: ``operations`` is given and a key names none of them.
        """
        self._operations = {service: frozenset(names) for service, names in (operations or {}).items()}
        for operation in faults or {}:
            self._check(operation)
        self._faults = dict(faults or {})
        self._random = random.Random(seed)  # noqa: S311 - reproducible chaos, not cryptography
        self._lock = threading.Lock()
        # The quotas' token buckets, per request key: (tokens, last refill).
        self._buckets: dict[str, tuple[float, float]] = {}

    def set(self, operation: str, faults: Faults | None) -> None:
        """Set (or with ``None`` clear) the faults of ``operation``.

        Args:
            operation: ``"CreateProject"`` (either service), ``"lookoutvision:CreateProject"``
                (one service), or ``"*"`` (every operation without faults of its own).
            faults: The faults, or ``None`` to remove them.

        Raises:
            ValueError: The plan knows its operations (the emulator's does) and
                ``operation`` is none of them; the message lists the valid ones.
        """
        self._check(operation)
        with self._lock:
            if faults is None:
                self._faults.pop(operation, None)
            else:
                self._faults[operation] = faults
            self._buckets.clear()  # a new quota starts with a full bucket

    def _check(self, key: str) -> None:
        # A misspelt operation would otherwise be accepted and never fire.
        if not self._operations or key == "*":
            return
        service, sep, operation = key.rpartition(":")
        if sep:
            if service not in self._operations:
                raise ValueError(unknown_name("service", service, self._operations))
            if operation not in self._operations[service]:
                raise ValueError(unknown_name(f"{service} operation", operation, self._operations[service]))
            return
        every = {name for names in self._operations.values() for name in names}
        if key not in every:
            raise ValueError(unknown_name("operation", key, every))

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()
            self._buckets.clear()

    def reseed(self, seed: int | None) -> None:
        """Restart the random sequence: the same requests then meet the same faults again.

        Args:
            seed: The seed; ``None`` seeds from the system's randomness.
        """
        with self._lock:
            self._random.seed(seed)

    def draw(self, *keys: str) -> tuple[Fault | None, float]:
        """Draw the fault (or none) for one request, and the latency to add.

        A request over the operation's ``tps`` quota meets ``"quota"`` (a
        throttle) and draws no random fault.

        Args:
            keys: The names the operation's faults may be set under, most
                specific first (``"lookoutvision:CreateProject"``, ``"CreateProject"``);
                ``"*"`` is tried last. The first names the quota's bucket.
        """
        with self._lock:
            faults = next((self._faults[k] for k in (*keys, "*") if k in self._faults), None)
            if faults is None:
                return None, 0.0
            if faults.tps and keys and not self._admit(keys[0], faults.tps):
                return "quota", faults.latency
            roll = self._random.random()
        for name in ("throttle", "server_error", "drop", "commit_then_fail"):
            chance: float = getattr(faults, name)
            if roll < chance:
                return name, faults.latency
            roll -= chance
        return None, faults.latency

    def _admit(self, key: str, tps: float) -> bool:
        # Under the lock. One bucket per request key, so that "*" gives each
        # operation a quota of its own, as AWS's are.
        # The bucket holds at least one token, so that a quota below 1 a second still admits.
        now = time.monotonic()
        capacity = max(1.0, tps)
        tokens, last = self._buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * tps)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True
