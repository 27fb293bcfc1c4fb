"""The fixed vocabularies of the registers, as the seed papers name them."""

from __future__ import annotations

#: programme kinds, nested portfolio > programme > workstream / committee / group > project
KINDS = [
    ("portfolio", "Portfolio"),
    ("programme", "Programme"),
    ("workstream", "Workstream"),
    ("committee", "Committee"),
    ("task_and_finish_group", "Task and finish group"),
    ("project", "Project"),
]

#: delivery phases as seed 004 (3.4.1-3.4.3) defines them, plus closed
PHASES = [
    ("planning", "Planning"),
    ("mobilisation", "Mobilisation"),
    ("delivery", "Delivery"),
    ("closed", "Closed"),
]
PHASE_MEANINGS = {
    "planning": "A defined scope and objectives, but not yet the delivery leadership and "
    "resources in place to mobilise.",
    "mobilisation": "Delivery resources in place and being formally mobilised, with a steering "
    "group; no finalised delivery trajectory yet.",
    "delivery": "Fully mobilised and delivering against a clearly defined trajectory.",
    "closed": "Finished; kept for the record.",
}

RAGS = [("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("blue", "Blue (complete)")]
RAG_DIMENSIONS = [
    ("overall", "Overall"),
    ("delivery", "Delivery"),
    ("benefits_finance", "Benefits and finance"),
    ("risk", "Risk"),
    ("resources", "Resources"),
]

#: the ten ICS People Function domains (seed 002, "ICS People Plan 10 Domains")
DOMAINS = [
    (1, "Supporting the health & wellbeing of all staff"),
    (2, "Growing the workforce for the future & enabling adequate workforce supply"),
    (3, "Supporting inclusion & belonging for all, & creating a great experience for staff"),
    (4, "Valuing and supporting leadership at all levels, and lifelong learning"),
    (5, "Leading workforce transformation and new ways of working"),
    (6, "Educating, training & developing people & managing talent"),
    (7, "Driving & supporting broader social and economic development"),
    (8, "Transforming people services & supporting the people profession"),
    (9, "Leading coordinated workforce planning & intelligence"),
    (10, "Supporting system design & development"),
]

#: the colleague journey (seed 001, "Our workforce are our customers")
JOURNEY_STAGES = [
    "Understand",
    "Inspire",
    "Attract",
    "Recruit",
    "Onboard",
    "Support",
    "Develop",
    "Retain",
    "Release",
]

MILESTONE_STATUSES = [
    ("not_started", "Not started"),
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("late", "Late"),
    ("complete", "Complete"),
]

BENEFIT_KINDS = [
    ("recurrent", "Financial: recurrent"),
    ("non_recurrent", "Financial: non-recurrent"),
    ("cost_avoidance", "Financial: cost avoidance"),
    ("non_financial", "Non-financial"),
]

INTEREST_CATEGORIES = [
    ("financial", "Financial interest"),
    ("non_financial_professional", "Non-financial professional interest"),
    ("non_financial_personal", "Non-financial personal interest"),
    ("indirect", "Indirect interest"),
    ("gifts_hospitality", "Gifts and hospitality"),
]

#: the planning levers a benefit may deliver (planning/scenario.py's lever kinds)
LEVERS = [
    ("international_recruitment", "International recruitment"),
    ("training_pipeline", "Training places"),
    ("leaver_rate", "Retention"),
    ("new_roles", "New roles"),
    ("bank_agency", "Agency reduction"),
]

#: the handling a conflict needs, by the category of the interest (the ICB policy following
#: NHS England's "Managing conflicts of interest in the NHS"): the chair may decide on more
HANDLING = {
    "financial": "leave the room",
    "non_financial_professional": "not take part",
    "indirect": "not take part",
    "non_financial_personal": "declare",
    "gifts_hospitality": "declare",
}
