"""The built-in topic catalog's texts, for translation: the catalog is seeded in English by the
migration programs/0002 and shown through Topic.display_name / display_description, which look
each text up in the reader's language. Topics HR adds are not here and stay as written."""

from django.utils.translation import gettext_noop

CATALOG_TEXTS = [
    (gettext_noop("New frameworks and tools"), gettext_noop("Languages, frameworks and tools juniors already use.")),
    (gettext_noop("Social media platforms"), gettext_noop("How platforms work today and how people use them.")),
    (gettext_noop("Mobile-first thinking"), gettext_noop("Designing for the phone first.")),
    (gettext_noop("AI and automation"), gettext_noop("AI/ML tools, assistants and automation in daily work.")),
    (gettext_noop("Developer experience"), gettext_noop("What it feels like to work in our codebase and toolchain.")),
    (gettext_noop("Modern development practices"), gettext_noop("Current best practices: reviews, testing, delivery.")),
    (gettext_noop("Modern toolchains"), gettext_noop("Build, CI and editor set-ups that juniors take for granted.")),
    (gettext_noop("How young users use products"), gettext_noop("UX expectations of a younger generation of users.")),
    (gettext_noop("Remote work best practices"), gettext_noop("Working well from anywhere.")),
    (gettext_noop("Work-life balance expectations"), gettext_noop("What boundaries and flexibility mean to younger colleagues.")),
    (gettext_noop("Communication tools"), gettext_noop("Slack, Discord and friends: etiquette and good use.")),
    (gettext_noop("Asynchronous collaboration"), gettext_noop("Getting work done without meetings.")),
    (gettext_noop("Feedback culture from the junior perspective"), gettext_noop("How feedback lands below and how to ask for it.")),
    (gettext_noop("What young talent looks for in jobs"), gettext_noop("Why people join, stay and leave.")),
    (gettext_noop("Onboarding experience"), gettext_noop("What good onboarding looks like from the newcomer's seat.")),
    (gettext_noop("Career expectations"), gettext_noop("Growth, pace and what a career path means today.")),
    (gettext_noop("Inclusive language"), gettext_noop("Words that include, words that exclude.")),
    (gettext_noop("Unconscious bias"), gettext_noop("Bias seen from a new perspective.")),
    (gettext_noop("Understanding generational differences"), gettext_noop("Expectations, values and habits across generations.")),
    (gettext_noop("Modern leadership expectations"), gettext_noop("What people expect from leaders today.")),
    (gettext_noop("Meaning and purpose at work"), gettext_noop("Why the work matters.")),
    (gettext_noop("Team culture from the junior perspective"), gettext_noop("How the team really feels from below.")),
]
