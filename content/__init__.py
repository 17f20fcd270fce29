"""Data files edited by people who are not developers (loaded by bot/)."""
