"""The benchmark company's names, departments, places and hierarchy (plain data)."""

_FIRST = "Anna Ben Clara David Elif Felix Greta Hannah Ivan Jana Karim Lea Malik Nora Oskar Paula Quentin Rosa Samir Tara Uwe Vera Wen"
_LAST = "Schulz Webb Novak Okafor Rossi Tanaka Fischer Meyer Costa Haddad Jansen Kowalski Larsen Moreau Nguyen Ortiz Petrov Quinn Richter"
_MORE_LAST = "Silva Torres Ueda Vogel Wagner Xu Yilmaz Zimmer Berg Dubois Eriksen Garcia Hoffmann Kaya Lindqvist Mendes Nakamura Olsen"
_DEPARTMENTS = "Engineering Sales Marketing Finance Operations Product Design Data Legal Security Logistics Procurement Research Quality"
_WORDS = (
    "we talked about prompt engineering, feedback culture, remote rituals, accessibility checks, the new analytics dashboard, "
    "how teams choose tools, hybrid meetings, social media for leaders and what juniors need from managers"
)
FIRST_NAMES = _FIRST.split()
LAST_NAMES = (_LAST + " " + _MORE_LAST).split()
DEPARTMENTS = _DEPARTMENTS.split()
WORDS = _WORDS.split()
REGIONS = ["Berlin", "London", "New York", "Lisbon", "Warsaw", "Pune"]
TIMEZONES = ["Europe/Berlin"] * 5 + ["Europe/London"] * 2 + ["America/New_York"] * 2 + ["Asia/Kolkata"]
# (level, share of the company, job title, fewest at any scale): a pyramid whose tiers report to
# the tier above (or, one time in five, to the one above that), so chains are up to 8 people long.
TIERS = [
    (70, 0.0, "Chief Executive Officer", 1),
    (70, 0.0008, "Executive Vice President", 2),
    (60, 0.006, "Director", 3),
    (50, 0.04, "Team Lead", 4),
    (40, 0.18, "Senior Specialist", 24),
    (30, 0.26, "Specialist", 30),
    (20, 0.34, "Junior Specialist", 30),
    (10, 0.0, "Apprentice", 4),  # the rest
]
