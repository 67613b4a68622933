"""The shared word lists: the codes customers, tags and visits are described with.

Stored in the database and named in every language by :mod:`core.i18n` (``kind.<code>``,
``product.<code>``...). They live here, at the base, so that the areas that speak of them
(customers, visits, performance, the demo) need not import each other.
"""

KINDS = ("individual", "merchant", "corporate")  # 个人 / 个体工商户 / 企业
STATUSES = ("active", "dormant", "potential", "closed")  # closed: 销户 (gone from the core)
OCCUPATIONS = (
    "farmer",
    "migrant",
    "public",
    "employee",
    "self_employed",
    "student",
    "retiree",
    "enterprise",
    "unknown",  # a bank's file that does not say
)
LOCATIONS = ("county_town", "town_seat", "village")  # 县城 / 集镇 / 乡村
PRODUCTS = (
    "debit_card",
    "mobile_banking",
    "acquiring",
    "etc",
    "time_deposit",
    "wealth",
    "loan",
    "credit_line",
)  # what a customer can hold here, for penetration

TIERS = ("high", "core", "basic")  # the tier tags
LIFECYCLES = ("potential", "new", "at_risk", "high_value", "maintain")  # the lifecycle tags

CHANNELS = ("onsite", "phone", "outlet", "wechat")  # how a visit was made
OUTCOMES = (
    "filed",
    "interested",
    "account",
    "deposit",
    "mobile_banking",
    "acquiring",
    "loan_application",
    "none",
)
NEGATIVE_OUTCOMES = ("none",)  # no marketing success (the success rate of the actuals)
OFFERABLE = (*PRODUCTS, "renewal")  # what a manager can offer on a visit
