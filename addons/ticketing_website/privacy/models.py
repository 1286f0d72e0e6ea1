"""What a customer agreed to, when, and to which wording of the operator's personal data policy."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """
    One wording of an operator's personal data policy, in every language it was published in. The
    version is the hash of the text: editing the text in the back office makes a new version, and a
    consent always points at the exact words the customer was shown.
    """

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=16)
    text = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("organizer", "version"), name="ticketing_policy_version_uniq")]
        ordering = ("-created",)

    def __str__(self) -> str:
        return self.version


class Consent(models.Model):
    """A customer's consent to the processing of their personal data, at registration or at checkout."""

    REGISTRATION, CHECKOUT = "registration", "checkout"
    PURPOSES = ((REGISTRATION, _("Registration")), (CHECKOUT, _("Checkout")))

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="consents")
    customer = models.ForeignKey("pretixbase.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="ticketing_consents")
    order = models.ForeignKey("pretixbase.Order", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="ticketing_consents")
    purpose = models.CharField(max_length=16, choices=PURPOSES)
    locale = models.CharField(max_length=16, blank=True)
    given_at = models.DateTimeField()

    class Meta:
        ordering = ("-given_at", "-id")
        constraints = [
            models.CheckConstraint(condition=models.Q(customer__isnull=False) | models.Q(order__isnull=False),
                                   name="ticketing_consent_has_subject"),
            # one consent per order: a retried order_placed never records a second one
            models.UniqueConstraint(fields=("order",), condition=models.Q(order__isnull=False),
                                    name="ticketing_consent_one_per_order"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.policy.version} {self.given_at:%Y-%m-%d %H:%M}"
