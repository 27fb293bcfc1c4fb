"""The parameters of the synthetic ICS, as data: staff-group mixes, bands, pay, hazards, reasons.

Figures are chosen to land the published rates in ``research/metric_definitions.md``: an NHS
leaver rate of about 10-12% a year, sickness about 5% with a winter peak above 6%, vacancies
about 8-10% of establishment and agency about 4% of the pay bill.
"""

from __future__ import annotations

from dataclasses import dataclass

# Vocabularies in a fixed order: arrays in the generator hold indices into these tuples.
STAFF_GROUPS = (
    "medical_dental",
    "nursing_midwifery",
    "ahp",
    "scientific_technical",
    "healthcare_support",
    "ambulance",
    "admin_clerical",
    "managers",
    "other",
    "gp",
    "gp_nurse",
    "direct_patient_care",
)
G = {name: i for i, name in enumerate(STAFF_GROUPS)}

BANDS = (
    "band_1",
    "band_2",
    "band_3",
    "band_4",
    "band_5",
    "band_6",
    "band_7",
    "band_8a",
    "band_8b",
    "band_8c",
    "band_8d",
    "band_9",
    "medical",
    "vsm",
    "other",
)
B = {name: i for i, name in enumerate(BANDS)}

CONTRACTS = ("permanent", "fixed_term", "bank", "locum")
PERMANENT, FIXED_TERM, BANK, LOCUM = range(4)
SEXES = ("female", "male", "not_stated")
ETHNIC_GROUPS = ("white", "bme", "not_stated")
DISABILITY = ("yes", "no", "not_stated")

# Kinds of assignment spell.
PRIMARY, SECONDARY, BANK_SECOND, BANK_ONLY = range(4)

# Annual basic pay (pounds, 2022/23 Agenda for Change, approximate mid-points). ``medical`` is
# an average over trainees, specialty doctors and consultants.
BAND_PAY = {
    "band_1": 20_700,
    "band_2": 21_000,
    "band_3": 22_500,
    "band_4": 25_300,
    "band_5": 31_000,
    "band_6": 38_000,
    "band_7": 45_500,
    "band_8a": 53_000,
    "band_8b": 62_000,
    "band_8c": 73_500,
    "band_8d": 87_000,
    "band_9": 104_000,
    "medical": 80_000,
    "vsm": 135_000,
    "other": 24_000,
}
ON_COSTS = 1.30  # employer pension and national insurance
PAY_AWARD_BY_FY = (1.0, 1.05, 1.108)  # 2022/23, 2023/24 (+5%), 2024/25 (+5.5%); then flat


@dataclass(frozen=True)
class GroupProfile:
    """How people in one staff group look and behave."""

    bands: dict[str, float]
    full_time: float  # share on 1.0 FTE or more
    female: float
    bme: float
    age_mean: float
    leave_hazard: float  # annual hazard of leaving the organisation (any reason)
    fixed_term: float = 0.05
    locum: float = 0.0
    sickness: float = 1.0  # multiplier on the segment's sickness rate
    vacancy: float = 0.09  # target vacancy rate
    bank_share: float = 0.02  # bank FTE worked as a share of substantive FTE
    agency_share: float = 0.01  # agency FTE as a share of substantive FTE
    agency_premium: float = 1.5  # agency cost per FTE over substantive cost per FTE
    over_cap: float = 0.05  # share of agency shifts above the price cap
    bank_second: float = 0.02  # chance a substantive assignment has a bank assignment too
    bank_only: float = 0.0  # bank-only people as a share of the group's headcount
    moves_to: tuple[tuple[str, float], ...] = ()  # staff-group changes, in order of preference


PROFILES: dict[str, GroupProfile] = {
    "medical_dental": GroupProfile(
        {"medical": 1.0},
        0.88,
        0.50,
        0.45,
        40,
        0.075,
        fixed_term=0.40,
        locum=0.04,
        sickness=0.40,
        vacancy=0.075,
        bank_share=0.03,
        agency_share=0.035,
        agency_premium=1.9,
        over_cap=0.55,
        bank_second=0.06,
        bank_only=0.02,
        moves_to=(("managers", 1.0),),
    ),
    "nursing_midwifery": GroupProfile(
        {"band_5": 0.45, "band_6": 0.32, "band_7": 0.15, "band_8a": 0.06, "band_8b": 0.02},
        0.62,
        0.89,
        0.30,
        42,
        0.11,
        fixed_term=0.03,
        sickness=1.05,
        vacancy=0.10,
        bank_share=0.07,
        agency_share=0.03,
        agency_premium=1.6,
        over_cap=0.12,
        bank_second=0.11,
        bank_only=0.05,
        moves_to=(("managers", 0.6), ("admin_clerical", 0.2), ("gp_nurse", 0.2)),
    ),
    "ahp": GroupProfile(
        {"band_5": 0.25, "band_6": 0.40, "band_7": 0.25, "band_8a": 0.08, "band_8b": 0.02},
        0.65,
        0.84,
        0.20,
        40,
        0.115,
        fixed_term=0.04,
        sickness=0.85,
        vacancy=0.09,
        bank_share=0.02,
        agency_share=0.025,
        over_cap=0.08,
        bank_second=0.04,
        bank_only=0.01,
        moves_to=(("managers", 1.0),),
    ),
    "scientific_technical": GroupProfile(
        {
            "band_3": 0.10,
            "band_4": 0.15,
            "band_5": 0.20,
            "band_6": 0.25,
            "band_7": 0.20,
            "band_8a": 0.08,
            "band_8b": 0.02,
        },
        0.70,
        0.72,
        0.28,
        41,
        0.11,
        sickness=0.80,
        vacancy=0.085,
        bank_share=0.01,
        agency_share=0.015,
        over_cap=0.06,
        moves_to=(("ahp", 0.5), ("managers", 0.5)),
    ),
    "healthcare_support": GroupProfile(
        {"band_2": 0.35, "band_3": 0.45, "band_4": 0.20},
        0.55,
        0.82,
        0.25,
        41,
        0.15,
        fixed_term=0.04,
        sickness=1.35,
        vacancy=0.10,
        bank_share=0.10,
        agency_share=0.02,
        over_cap=0.05,
        bank_second=0.12,
        bank_only=0.07,
        moves_to=(
            ("nursing_midwifery", 0.7),
            ("admin_clerical", 0.3),
            ("direct_patient_care", 0.2),
        ),
    ),
    "ambulance": GroupProfile(
        {"band_3": 0.20, "band_4": 0.15, "band_5": 0.25, "band_6": 0.35, "band_7": 0.05},
        0.85,
        0.50,
        0.06,
        39,
        0.105,
        fixed_term=0.03,
        sickness=1.30,
        vacancy=0.08,
        bank_share=0.01,
        agency_share=0.005,
        bank_second=0.03,
        moves_to=(("managers", 0.5), ("admin_clerical", 0.5)),
    ),
    "admin_clerical": GroupProfile(
        {
            "band_2": 0.25,
            "band_3": 0.30,
            "band_4": 0.22,
            "band_5": 0.10,
            "band_6": 0.06,
            "band_7": 0.04,
            "band_8a": 0.03,
        },
        0.65,
        0.76,
        0.20,
        45,
        0.12,
        fixed_term=0.06,
        sickness=0.95,
        vacancy=0.06,
        bank_share=0.03,
        agency_share=0.008,
        agency_premium=1.4,
        over_cap=0.03,
        bank_second=0.03,
        bank_only=0.02,
        moves_to=(("managers", 0.6), ("healthcare_support", 0.4), ("direct_patient_care", 1.0)),
    ),
    "managers": GroupProfile(
        {
            "band_7": 0.10,
            "band_8a": 0.30,
            "band_8b": 0.25,
            "band_8c": 0.17,
            "band_8d": 0.10,
            "band_9": 0.05,
            "vsm": 0.03,
        },
        0.88,
        0.65,
        0.15,
        47,
        0.11,
        sickness=0.70,
        vacancy=0.06,
        bank_share=0.0,
        agency_share=0.01,
        agency_premium=1.6,
        over_cap=0.03,
        bank_second=0.0,
        moves_to=(("admin_clerical", 1.0),),
    ),
    "other": GroupProfile(
        {"band_2": 0.5, "band_3": 0.5},
        0.60,
        0.60,
        0.20,
        44,
        0.14,
        fixed_term=0.08,
        vacancy=0.06,
        agency_share=0.005,
        agency_premium=1.4,
        moves_to=(("admin_clerical", 1.0),),
    ),
    "gp": GroupProfile(
        {"other": 1.0},
        0.35,
        0.56,
        0.35,
        46,
        0.10,
        fixed_term=0.04,
        locum=0.12,
        moves_to=(("managers", 1.0),),
    ),
    "gp_nurse": GroupProfile(
        {"other": 1.0},
        0.45,
        0.97,
        0.12,
        48,
        0.11,
        fixed_term=0.03,
        moves_to=(("admin_clerical", 1.0),),
    ),
    "direct_patient_care": GroupProfile(
        {"other": 1.0},
        0.50,
        0.85,
        0.20,
        40,
        0.15,
        fixed_term=0.06,
        moves_to=(("gp_nurse", 0.6), ("admin_clerical", 0.4)),
    ),
}

# Staff-group mix (share of headcount) per segment with person-level data.
SEGMENT_MIX: dict[str, dict[str, float]] = {
    "secondary_care": {
        "medical_dental": 0.14,
        "nursing_midwifery": 0.30,
        "ahp": 0.07,
        "scientific_technical": 0.06,
        "healthcare_support": 0.17,
        "admin_clerical": 0.22,
        "managers": 0.03,
        "other": 0.01,
    },
    "nhs_community": {
        "medical_dental": 0.03,
        "nursing_midwifery": 0.33,
        "ahp": 0.18,
        "scientific_technical": 0.06,
        "healthcare_support": 0.17,
        "admin_clerical": 0.20,
        "managers": 0.03,
    },
    "nhs_mental_health": {
        "medical_dental": 0.07,
        "nursing_midwifery": 0.28,
        "ahp": 0.05,
        "scientific_technical": 0.12,
        "healthcare_support": 0.23,
        "admin_clerical": 0.22,
        "managers": 0.03,
    },
    "ambulance": {
        "medical_dental": 0.005,
        "nursing_midwifery": 0.03,
        "ambulance": 0.55,
        "healthcare_support": 0.16,
        "admin_clerical": 0.22,
        "managers": 0.035,
    },
    "icb_corporate": {
        "medical_dental": 0.03,
        "nursing_midwifery": 0.08,
        "ahp": 0.02,
        "scientific_technical": 0.02,
        "admin_clerical": 0.55,
        "managers": 0.30,
    },
    "general_practice": {
        "gp": 0.22,
        "gp_nurse": 0.10,
        "direct_patient_care": 0.15,
        "admin_clerical": 0.53,
    },
}
NHS_SEGMENTS = (
    "secondary_care",
    "nhs_community",
    "nhs_mental_health",
    "ambulance",
    "icb_corporate",
)

# Sickness absence: segment base rate, seasonal factor by calendar month (Jan..Dec) and a
# factor by financial year (2022/23 was high, as the published series shows).
SICKNESS_BASE = {
    "secondary_care": 0.052,
    "nhs_community": 0.055,
    "nhs_mental_health": 0.057,
    "ambulance": 0.058,
    "icb_corporate": 0.040,
}
SICKNESS_SEASON = (1.22, 1.05, 1.00, 0.93, 0.92, 0.90, 0.90, 0.90, 0.95, 1.02, 1.08, 1.25)
SICKNESS_BY_FY = (1.08, 1.00, 0.97)
VACANCY_BY_FY = (1.20, 1.12, 1.05)  # vacancies fell, as nationally
AGENCY_BY_FY = (1.25, 1.10, 1.00)  # systems brought agency down after 2022/23

# Retirement ages (years) and their weights: mostly 55 and over.
RETIREMENT_AGES = tuple(range(52, 71))
RETIREMENT_WEIGHTS = (
    0.01,
    0.01,
    0.01,
    0.06,
    0.04,
    0.05,
    0.06,
    0.07,
    0.11,
    0.09,
    0.09,
    0.08,
    0.08,
    0.10,
    0.08,
    0.05,
    0.02,
    0.01,
    0.01,
)

# Part-time FTE values (hours / 37.5), drawn uniformly.
PART_TIME_FTE = (0.27, 0.4, 0.5, 0.53, 0.6, 0.64, 0.73, 0.8, 0.8, 0.9)

# ESR leaving reasons and destinations (texts as ESR writes them).
REASONS = (
    "",  # 0: not a leaver
    "Voluntary Resignation - Relocation",
    "Voluntary Resignation - Work Life Balance",
    "Voluntary Resignation - Promotion",
    "Voluntary Resignation - Better Reward Package",
    "Voluntary Resignation - Child Dependants",
    "Voluntary Resignation - Adult Dependants",
    "Voluntary Resignation - Health",
    "Voluntary Resignation - Incompatible Working Relationships",
    "Voluntary Resignation - Lack of Opportunities",
    "Voluntary Resignation - To undertake further education or training",
    "Voluntary Resignation - Other/Not Known",
    "End of Fixed Term Contract",
    "Dismissal - Conduct",
    "Dismissal - Capability",
    "Retirement - Ill Health",
    "Death in Service",
    "Mutually Agreed Resignation - Local Scheme with Repayment",
    "Retirement Age",
    "Voluntary Early Retirement - with Actuarial Reduction",
    "Voluntary Early Retirement - no Actuarial Reduction",
    "Flexi Retirement",
    "End of Fixed Term Contract - Completion of Training Scheme",
    "Bank Staff not fulfilled minimum work requirement",
)
R = {text: i for i, text in enumerate(REASONS)}
LEAVE_REASONS = (
    (1, 0.20),
    (2, 0.20),
    (3, 0.06),
    (4, 0.05),
    (5, 0.04),
    (6, 0.03),
    (7, 0.04),
    (8, 0.03),
    (9, 0.03),
    (10, 0.04),
    (11, 0.14),
    (12, 0.05),
    (13, 0.02),
    (14, 0.015),
    (15, 0.01),
    (16, 0.005),
    (17, 0.01),
)
RETIRE_REASONS = ((18, 0.55), (19, 0.15), (20, 0.10), (21, 0.20))
MOVE_REASONS = ((3, 0.45), (1, 0.15), (2, 0.20), (4, 0.20))
BANK_REASONS = ((23, 0.5), (11, 0.3), (2, 0.2))

DESTINATIONS = (
    "",
    "NHS Organisation",
    "General Practice",
    "No Employment",
    "Private Health/Social Care",
    "Social Care",
    "Education",
    "Abroad - EU",
    "Abroad - Non EU",
    "Other",
    "Unknown",
)
D = {text: i for i, text in enumerate(DESTINATIONS)}
LEAVE_DESTINATIONS = (
    (3, 0.20),
    (4, 0.15),
    (5, 0.08),
    (2, 0.04),
    (6, 0.05),
    (7, 0.01),
    (8, 0.03),
    (9, 0.14),
    (10, 0.30),
)
