"""
SMS for notifications: a provider abstraction (``base``), SMS.ru (``smsru``), segment counting (``segments``)
and phone normalisation (``phone``). The local emulator of SMS.ru for development and tests is
``tools/sms_emulator``.
"""
from .base import DeliveryStatus, GatewayError, GatewayRefused, GatewayUnavailable, SendResult, SmsGateway, SmsStatus
from .phone import InvalidPhone, normalize_phone
from .segments import MAX_SEGMENTS, Segments, count_segments

__all__ = [
    "MAX_SEGMENTS", "DeliveryStatus", "GatewayError", "GatewayRefused", "GatewayUnavailable", "InvalidPhone",
    "Segments", "SendResult", "SmsGateway", "SmsStatus", "count_segments", "normalize_phone",
]
