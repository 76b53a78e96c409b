"""Plain values passed into the incoming services by every channel."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ReceivedFile:
    """One file as it arrived (tệp nhận được): its name and its exact bytes."""

    name: str
    content: bytes
