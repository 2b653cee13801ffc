"""Pre-load the topic catalog with every topic of the domain source (and the ones its
tech-company example program uses). Idempotent: existing names are left alone."""

from django.db import migrations

TOPICS = [
    # Technology
    ("New frameworks and tools", "technology", "Languages, frameworks and tools juniors already use."),
    ("Social media platforms", "technology", "How platforms work today and how people use them."),
    ("Mobile-first thinking", "technology", "Designing for the phone first."),
    ("AI and automation", "technology", "AI/ML tools, assistants and automation in daily work."),
    ("Developer experience", "technology", "What it feels like to work in our codebase and toolchain."),
    ("Modern development practices", "technology", "Current best practices: reviews, testing, delivery."),
    ("Modern toolchains", "technology", "Build, CI and editor set-ups that juniors take for granted."),
    ("How young users use products", "technology", "UX expectations of a younger generation of users."),
    # Work world
    ("Remote work best practices", "work_world", "Working well from anywhere."),
    ("Work-life balance expectations", "work_world", "What boundaries and flexibility mean to younger colleagues."),
    ("Communication tools", "work_world", "Slack, Discord and friends: etiquette and good use."),
    ("Asynchronous collaboration", "work_world", "Getting work done without meetings."),
    ("Feedback culture from the junior perspective", "work_world", "How feedback lands below and how to ask for it."),
    ("What young talent looks for in jobs", "work_world", "Why people join, stay and leave."),
    ("Onboarding experience", "work_world", "What good onboarding looks like from the newcomer's seat."),
    ("Career expectations", "work_world", "Growth, pace and what a career path means today."),
    # Culture & diversity
    ("Inclusive language", "culture", "Words that include, words that exclude."),
    ("Unconscious bias", "culture", "Bias seen from a new perspective."),
    ("Understanding generational differences", "culture", "Expectations, values and habits across generations."),
    ("Modern leadership expectations", "culture", "What people expect from leaders today."),
    ("Meaning and purpose at work", "culture", "Why the work matters."),
    ("Team culture from the junior perspective", "culture", "How the team really feels from below."),
]


def load(apps, schema_editor):
    Topic = apps.get_model("programs", "Topic")
    existing = {name.lower() for name in Topic.objects.values_list("name", flat=True)}
    Topic.objects.bulk_create(
        [Topic(name=name, category=category, description=description) for name, category, description in TOPICS if name.lower() not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
