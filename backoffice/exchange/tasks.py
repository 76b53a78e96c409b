"""Background work of the exchange: one try per packet, and the sweep of due
retries (beat, every EXCHANGE_SWEEP_SECONDS)."""

from celery import shared_task


@shared_task
def send_exchange_packet(packet_id: int) -> str:
    """One try to deliver an outgoing packet (outbound.packet_send); a failure
    waits for the sweep with exponential backoff. Idempotent."""
    from .outbound import packet_send

    return packet_send(packet_id=packet_id)


@shared_task
def send_due_exchange_packets() -> int:
    """Try again every queued packet whose backoff has elapsed."""
    from .outbound import packet_send, packets_due

    ids = packets_due()
    for packet_id in ids:
        packet_send(packet_id=packet_id)
    return len(ids)


@shared_task
def send_dossier_result(origin_id: int) -> int | None:
    """Send the result of a dossier received from another installation back
    to it (status 06 and the result packet). Idempotent."""
    from .dossier_transfer import dossier_result_send

    packet = dossier_result_send(origin_id=origin_id)
    return packet.pk if packet is not None else None
