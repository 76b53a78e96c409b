"""Payment providers behind one interface, chosen by the PAYMENT_PROVIDER setting.

A provider is an outside system (a bank gateway, the national payment platform).
The flow is the one such gateways use: we make a payment with our own reference,
send the applicant to the provider's checkout address, and the provider sends them
back to our callback address with a signed result that only the provider class can
verify. `FakeProvider` is the stand-in used here and in tests: its "checkout" is a
page of our own site, and its results are signed with HMAC-SHA256 like VNPay's.
"""

import dataclasses
import hashlib
import hmac
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Payment


@dataclasses.dataclass(frozen=True)
class CallbackResult:
    """What a verified provider callback says about one of our payments."""

    reference: str
    amount: int
    transaction: str
    # "paid", "cancelled" or "failed"
    outcome: str


class PaymentProvider(ABC):
    """The contract of a payment provider.

    `checkout_url` returns where the applicant is sent to pay; `callback_verify`
    checks a callback's signature and reads it, raising ValidationError (code
    "bad_signature") for anything the provider did not sign.
    """

    name: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def checkout_url(self, *, payment: Payment, return_url: str) -> str: ...

    @abstractmethod
    def callback_verify(self, *, data: Mapping[str, str]) -> CallbackResult: ...


_PROVIDERS: dict[str, type[PaymentProvider]] = {}


def provider_register(cls: type[PaymentProvider]) -> type[PaymentProvider]:
    """Make a provider class available by its `name` (a class decorator)."""
    _PROVIDERS[cls.name] = cls
    return cls


def provider_get(name: str | None = None) -> PaymentProvider:
    """The provider named (default: PAYMENT_PROVIDER): a registered name or a dotted
    path to a PaymentProvider class."""
    name = name or settings.PAYMENT_PROVIDER
    if name in _PROVIDERS:
        return _PROVIDERS[name]()
    if "." in name:
        cls = import_string(name)
        if isinstance(cls, type) and issubclass(cls, PaymentProvider):
            return cls()
    raise ImproperlyConfigured(f"Unknown PAYMENT_PROVIDER {name!r}.")


# Result codes of the fake gateway (VNPay's "00" success and "24" cancelled).
FAKE_CODES = {"00": "paid", "24": "cancelled", "51": "failed"}
FAKE_FIELDS = ("ref", "amount", "txn", "code")


@provider_register
class FakeProvider(PaymentProvider):
    """An outside gateway's stand-in: checkout on our own page, HMAC-signed results."""

    name = "fake"
    label = "Cổng thanh toán thử nghiệm"

    def _key(self) -> bytes:
        secret = settings.PAYMENT_FAKE_SECRET or f"payments.fake:{settings.SECRET_KEY}"
        return hashlib.sha256(secret.encode()).digest()

    def _signature(self, fields: Mapping[str, str]) -> str:
        canonical = "&".join(f"{key}={fields[key]}" for key in FAKE_FIELDS)
        return hmac.new(self._key(), canonical.encode(), hashlib.sha256).hexdigest()

    def checkout_url(self, *, payment: Payment, return_url: str) -> str:
        from django.utils.http import urlencode

        path = reverse("payment-fake-gateway", args=[payment.provider_reference])
        return f"{path}?{urlencode({'return': return_url})}"

    def result_sign(
        self, *, reference: str, amount: int, transaction: str, code: str
    ) -> dict[str, str]:
        """What the gateway sends back (the fake gateway page calls this)."""
        fields = {
            "ref": reference,
            "amount": str(amount),
            "txn": transaction,
            "code": code,
        }
        return {**fields, "sig": self._signature(fields)}

    def callback_verify(self, *, data: Mapping[str, str]) -> CallbackResult:
        fields = {key: str(data.get(key, "")) for key in FAKE_FIELDS}
        given = str(data.get("sig", ""))
        if not given or not hmac.compare_digest(
            given.encode(), self._signature(fields).encode()
        ):
            raise ValidationError(
                _("Kết quả thanh toán không có chữ ký hợp lệ của đơn vị thanh toán."),
                code="bad_signature",
            )
        if not fields["amount"].isdigit() or fields["code"] not in FAKE_CODES:
            raise ValidationError(
                _("Kết quả thanh toán không đọc được."), code="bad_signature"
            )
        return CallbackResult(
            reference=fields["ref"],
            amount=int(fields["amount"]),
            transaction=fields["txn"],
            outcome=FAKE_CODES[fields["code"]],
        )
