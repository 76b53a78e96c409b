"""An outgoing document reaches an agency of a peer installation through edXML, and
an agency of this installation on its own desk."""

import pytest
from cryptography.hazmat.primitives import serialization

from backoffice.exchange.models import Peer, PeerAgency
from backoffice.outgoing.channels import agency_channel


@pytest.mark.django_db
def test_peer_agencies_go_by_edxml_and_local_ones_internally(agency_tree, sender_keys):
    peer = Peer.objects.create(
        name="Cần Thơ",
        base_url="http://127.0.0.1:1/",
        certificate_pem=sender_keys[1]
        .public_bytes(serialization.Encoding.PEM)
        .decode(),
    )
    PeerAgency.objects.create(peer=peer, code=agency_tree["justice"].code)
    assert agency_channel(agency_tree["justice"]) == "edxml"
    assert agency_channel(agency_tree["ward"]) == "internal"
    peer.is_active = False
    peer.save()
    assert agency_channel(agency_tree["justice"]) == "internal"
