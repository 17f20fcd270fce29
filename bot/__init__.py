"""Asisten Karier ASN: application assembly and the services behind the chat."""
