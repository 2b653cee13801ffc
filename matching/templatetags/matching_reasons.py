from django import template

from matching.reasons import render

register = template.Library()


@register.filter
def reason(value: object) -> str:
    """A stored reason (matching.reasons) in the reader's language."""
    return render(value)
