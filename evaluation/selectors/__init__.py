"""What HR may see about a program's health and results: facts and aggregates only.

Aggregates over fewer than MIN_GROUP respondents are hidden, and so is anything they could be
worked out from (complementary suppression, see `survey_breakdown`). A low pulse or a challenge
flags the pair, never the person or the number; a name and a comment appear only when the
participant asked HR to reach out. Notes are never read here, nor the words of a session log:
the database only tells whether each side wrote something (the two-way street).

- `participants`: who takes part, their place in a pair, their to-dos;
- `pairs`: pair health, its counts and the pair list;
- `results`: the survey's aggregates and their suppression;
- `dashboard`: the dashboard's and the report's other figures.
"""

from .dashboard import (
    Dashboard,
    MeetingSummary,
    checkin_trend,
    curriculum_mix,
    dashboard,
    funnel,
    meeting_summary,
    pulse_average,
    recommendation_counts,
)
from .pairs import (
    PAIRS_PER_PAGE,
    HealthSummary,
    MilestoneKind,
    PairFacts,
    PairHealth,
    PairHealthFacts,
    PairSignal,
    PairStatus,
    RiskReason,
    forget_pair_facts,
    health_badge,
    health_summary,
    pair_facts,
    pair_health,
    pair_health_of,
    pair_table_rows,
    pairs_matching,
    recent_pair_facts,
)
from .participants import (
    LOW_PULSE,
    MIN_GROUP,
    PARTICIPATING,
    ROLES,
    Todo,
    membership,
    participants,
    program_month,
    survey_for,
    todo_for,
)
from .results import (
    DASHBOARD_KEYS,
    Aggregate,
    SurveyFigures,
    TextAnswers,
    by_key,
    survey_breakdown,
    survey_figures,
    survey_results,
    survey_texts,
    text_answers,
)

__all__ = [
    "DASHBOARD_KEYS",
    "LOW_PULSE",
    "MIN_GROUP",
    "PAIRS_PER_PAGE",
    "PARTICIPATING",
    "ROLES",
    "Aggregate",
    "Dashboard",
    "HealthSummary",
    "MeetingSummary",
    "MilestoneKind",
    "PairFacts",
    "PairHealth",
    "PairHealthFacts",
    "PairSignal",
    "PairStatus",
    "RiskReason",
    "SurveyFigures",
    "TextAnswers",
    "Todo",
    "by_key",
    "checkin_trend",
    "curriculum_mix",
    "dashboard",
    "funnel",
    "health_badge",
    "health_summary",
    "meeting_summary",
    "membership",
    "forget_pair_facts",
    "pair_facts",
    "pair_health",
    "pair_health_of",
    "recent_pair_facts",
    "pair_table_rows",
    "pairs_matching",
    "participants",
    "program_month",
    "pulse_average",
    "recommendation_counts",
    "survey_breakdown",
    "survey_figures",
    "survey_for",
    "survey_results",
    "survey_texts",
    "text_answers",
    "todo_for",
]
