import logging

logger = logging.getLogger(__name__)


def bad(order, customer, phone):
    # ruleid: prichal-personal-data-in-log
    logger.info("order %s placed by %s", order.code, order.email)
    # ruleid: prichal-personal-data-in-log
    logger.warning("SMS to %s failed", phone)
    # ruleid: prichal-personal-data-in-log
    logger.error("customer %s", customer.name)


def good(order, case):
    # ok: prichal-personal-data-in-log
    logger.info("order %s placed", order.code)
    # ok: prichal-personal-data-in-log
    logger.warning("case %s escalated", case.pk)
