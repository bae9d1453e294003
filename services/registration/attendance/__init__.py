"""Check-in and attendance evidence: codes, check-ins per event day, sheets and certificates."""
