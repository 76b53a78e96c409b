"""Revocation data for signature validation: CRLs and OCSP responses (thu hồi).

Three sources, all handed to pyHanko's validator:
- CRLs imported by administrators (RevocationList: admin upload or
  `manage.py import_crl`), read with the trust store, before any event loop;
- CRLs and OCSP responses that pyHanko fetches from the URLs a certificate names,
  when REVOCATION_FETCH is on, each request bounded by REVOCATION_FETCH_TIMEOUT
  seconds; a fetch that brought nothing is not tried again for
  REVOCATION_FETCH_RETRY_SECONDS;
- what was fetched before, kept in Django's cache until its nextUpdate.
Only `imported_crls` reads the database: the rest may run where the database must
not be touched (see event_loop.py).
"""

import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from asn1crypto import crl, ocsp, x509
from pyhanko_certvalidator.fetchers import OwnedFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from .models import RevocationList

CACHE_PREFIX = "signatures:revinfo:"
# What pyHanko assumes for revocation data that names no nextUpdate.
DEFAULT_VALIDITY = dt.timedelta(minutes=30)
NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)
# Entries held for one CA in the cache (old CRLs are dropped first).
MAX_ENTRIES_PER_KEY = 4
# OCSP response statuses other than "successful" carry no certificate status.
OCSP_SUCCESSFUL = "successful"

Entries = dict[str, tuple[bytes, float]]  # sha256 → (DER, keep until, epoch)


@dataclass(frozen=True)
class RevocationData:
    """CRLs and OCSP responses, parsed (asn1crypto)."""

    crls: list[crl.CertificateList] = field(default_factory=list)
    ocsps: list[ocsp.OCSPResponse] = field(default_factory=list)

    def __add__(self, other: "RevocationData") -> "RevocationData":
        seen = {item.dump() for item in [*self.crls, *self.ocsps]}
        return RevocationData(
            crls=[*self.crls, *(c for c in other.crls if c.dump() not in seen)],
            ocsps=[*self.ocsps, *(o for o in other.ocsps if o.dump() not in seen)],
        )

    def minus(self, other: "RevocationData") -> "RevocationData":
        """What this holds that `other` does not."""
        seen = {item.dump() for item in [*other.crls, *other.ocsps]}
        return RevocationData(
            crls=[c for c in self.crls if c.dump() not in seen],
            ocsps=[o for o in self.ocsps if o.dump() not in seen],
        )


def imported_crls() -> list[crl.CertificateList]:
    """Every CRL an administrator imported (one per CA)."""
    return [
        crl.CertificateList.load(bytes(der))
        for der in RevocationList.objects.values_list("der", flat=True)
    ]


def _name_key(name: x509.Name) -> str:
    # `hashable` is asn1crypto's normalised form: equal names, equal keys.
    return hashlib.sha256(name.hashable.encode()).hexdigest()


def _crl_key(issuer: x509.Name) -> str:
    return f"{CACHE_PREFIX}crl:{_name_key(issuer)}"


def _ocsp_key(certificate: x509.Certificate) -> str:
    return (
        f"{CACHE_PREFIX}ocsp:{_name_key(certificate.issuer)}:"
        f"{certificate.serial_number}"
    )


def _failure_key(certificate: x509.Certificate) -> str:
    return f"{CACHE_PREFIX}failed:{certificate.sha256.hex()}"


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=dt.UTC)
    return moment


def _crl_window(item: crl.CertificateList) -> tuple[dt.datetime, dt.datetime]:
    tbs = item["tbs_cert_list"]
    this_update = _aware(tbs["this_update"].native)
    next_update = _aware(tbs["next_update"].native)
    if this_update is None:  # required by RFC 5280: such a list is never current
        return NEVER, NEVER
    return this_update, next_update or this_update + DEFAULT_VALIDITY


def _ocsp_single(response: ocsp.OCSPResponse) -> Any | None:
    """The first SingleResponse of a successful OCSP response, else None."""
    try:
        if response["response_status"].native != OCSP_SUCCESSFUL:
            return None
        basic = response["response_bytes"]["response"].parsed
        return basic["tbs_response_data"]["responses"][0]
    except (KeyError, IndexError, ValueError, TypeError):
        return None


def _ocsp_window(
    response: ocsp.OCSPResponse,
) -> tuple[int, dt.datetime, dt.datetime] | None:
    """(serial, thisUpdate, keep-until) of an OCSP response, None if unusable."""
    single = _ocsp_single(response)
    if single is None:
        return None
    this_update = _aware(single["this_update"].native)
    next_update = _aware(single["next_update"].native)
    if this_update is None:
        return None
    return (
        single["cert_id"]["serial_number"].native,
        this_update,
        next_update or this_update + DEFAULT_VALIDITY,
    )


def _crl_concerns(item: crl.CertificateList, certificate: x509.Certificate) -> bool:
    return item["tbs_cert_list"]["issuer"] == certificate.issuer


def _ocsp_concerns(response: ocsp.OCSPResponse, certificate: x509.Certificate) -> bool:
    window = _ocsp_window(response)
    return window is not None and window[0] == certificate.serial_number


def concerns(certificate: x509.Certificate, data: RevocationData) -> bool:
    """Whether `data` holds a CRL of the certificate's issuer or an OCSP response
    about the certificate."""
    return any(_crl_concerns(c, certificate) for c in data.crls) or any(
        _ocsp_concerns(o, certificate) for o in data.ocsps
    )


def fresh_for(
    certificate: x509.Certificate, data: RevocationData, now: dt.datetime
) -> bool:
    """Whether `data` holds revocation data about the certificate that is still
    current (before its nextUpdate): no need to fetch anew."""
    for item in data.crls:
        if _crl_concerns(item, certificate) and _crl_window(item)[1] > now:
            return True
    for response in data.ocsps:
        window = _ocsp_window(response)
        if window and window[0] == certificate.serial_number and window[2] > now:
            return True
    return False


def revocation_urls(certificate: x509.Certificate) -> list[str]:
    """The CRL distribution points and OCSP responders a certificate names."""
    urls = [point.url for point in certificate.crl_distribution_points if point.url]
    return urls + list(certificate.ocsp_urls)


def _read(key: str) -> Entries:
    now = time.time()
    entries = cache.get(key) or {}
    return {digest: item for digest, item in entries.items() if item[1] > now}


def _put(key: str, der: bytes, until: dt.datetime) -> None:
    keep_until = until.timestamp()
    now = time.time()
    if keep_until <= now:
        return
    entries = _read(key)
    entries[hashlib.sha256(der).hexdigest()] = (der, keep_until)
    newest = sorted(entries.items(), key=lambda item: item[1][1], reverse=True)
    entries = dict(newest[:MAX_ENTRIES_PER_KEY])
    last = max(kept for _der, kept in entries.values())
    timeout = max(int(last - now), 1)
    cache.set(key, entries, timeout=timeout)


def cached_revinfo(certificates: Iterable[x509.Certificate]) -> RevocationData:
    """Revocation data fetched earlier about these certificates (CRLs of their
    issuers, OCSP responses about them) that has not reached its nextUpdate."""
    certificates = list(certificates)
    crl_keys = {_crl_key(certificate.issuer) for certificate in certificates}
    ocsp_keys = {_ocsp_key(certificate) for certificate in certificates}
    found = cache.get_many([*crl_keys, *ocsp_keys])
    now = time.time()
    data = RevocationData()
    for key, entries in found.items():
        for der, until in (entries or {}).values():
            if until <= now:
                continue
            if key in crl_keys:
                data.crls.append(crl.CertificateList.load(der))
            else:
                data.ocsps.append(ocsp.OCSPResponse.load(der))
    return data


def remember_revinfo(*, certificate: x509.Certificate, data: RevocationData) -> None:
    """Cache fetched CRLs (by issuer) and OCSP responses about `certificate`
    until their nextUpdate."""
    for item in data.crls:
        issuer = item["tbs_cert_list"]["issuer"]
        _put(_crl_key(issuer), item.dump(), _crl_window(item)[1])
    for response in data.ocsps:
        window = _ocsp_window(response)
        if window is not None and window[0] == certificate.serial_number:
            _put(_ocsp_key(certificate), response.dump(), window[2])


def fetch_failed_recently(certificate: x509.Certificate) -> bool:
    return cache.get(_failure_key(certificate)) is not None


def remember_fetch_failure(certificate: x509.Certificate) -> None:
    cache.set(
        _failure_key(certificate), True, timeout=settings.REVOCATION_FETCH_RETRY_SECONDS
    )


def fetcher_backend() -> OwnedFetcherBackend:
    """pyHanko's HTTP fetchers with the configured per-request time limit; the
    validation context that receives it closes it when validation ends."""
    return OwnedFetcherBackend(
        AIOHttpFetcherBackend(per_request_timeout=settings.REVOCATION_FETCH_TIMEOUT)
    )
