"""Fixtures of the processing tests: a dossier accepted at the ward, the ward's
and the city's staff (the city also carries the procedure, for transfers)."""

from dataclasses import dataclass

import pytest

from backoffice.accounts.models import User
from backoffice.core.constants import Role
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.handling import dossier_accept
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.services import dossier_submit


@dataclass
class Desk:
    reception: User
    specialist: User
    specialist2: User
    leader: User
    city_specialist: User
    city_leader: User
    ict_leader: User
    clerk: User


@pytest.fixture
def desk(agency_tree, make_staff, birth_registration) -> Desk:
    ward, city = agency_tree["ward"], agency_tree["city"]
    birth_registration.agencies.add(city)
    birth_registration.save()  # a ParentalManyToManyField is written on save

    def staff(name: str, agency, role: str) -> User:
        user = make_staff(name, agency=agency, role=role, totp_device=True)
        user.first_name, user.last_name = name.upper(), "Cán bộ"
        user.save(update_fields=["first_name", "last_name"])
        return user

    return Desk(
        reception=staff("tn", ward, Role.RECEPTION),
        specialist=staff("cv", ward, Role.SPECIALIST),
        specialist2=staff("cv2", ward, Role.SPECIALIST),
        leader=staff("ld", ward, Role.LEADER),
        city_specialist=staff("cv-tp", city, Role.SPECIALIST),
        city_leader=staff("ld-tp", city, Role.LEADER),
        ict_leader=staff("ld-stt", agency_tree["ict"], Role.LEADER),
        clerk=staff("vt", ward, Role.CLERK),
    )


@pytest.fixture
def submitted(birth_registration, agency_tree, applicant, complete_files) -> Dossier:
    return dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
    )


@pytest.fixture
def accepted(submitted, desk) -> Dossier:
    return dossier_accept(dossier=submitted, actor=desk.reception)
