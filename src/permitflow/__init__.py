"""permitflow: the Beijing Work Residence Permit procedures as declarative state machines."""
