def ensure_hr_group(sender, **kwargs) -> None:
    """After every migrate, the HR group holds the permissions of every installed app."""
    from .services import hr_group_ensure

    hr_group_ensure()
